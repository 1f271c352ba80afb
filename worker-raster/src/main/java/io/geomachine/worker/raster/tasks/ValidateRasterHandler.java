package io.geomachine.worker.raster.tasks;

import static io.geomachine.core.job.raster.RasterParameters.BLOB_NAME;
import static io.geomachine.core.job.raster.RasterParameters.CONTAINER_NAME;
import static io.geomachine.core.job.raster.RasterParameters.INPUT_CRS;
import static io.geomachine.core.job.raster.RasterParameters.RASTER_TYPE;
import static io.geomachine.core.job.raster.RasterParameters.STRICT_MODE;

import io.geomachine.core.job.raster.RasterTasks;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterInspector;
import io.geomachine.worker.raster.engine.RasterValidation;
import io.geomachine.worker.raster.engine.SourceAccess;
import io.geomachine.worker.raster.engine.WorkDir;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Inspects one source raster and validates it (validate_raster, and the first stage of
 * process_raster): CRS, bounds, size, bands, data type, nodata, detected type with evidence,
 * warnings. The source is read where it lies ({@link SourceAccess}: through {@code /vsiaz/}, a
 * local copy only as the fallback), and only its metadata and a bounded sample are read, so
 * validating costs the same for 5 MB and 1 GB. In process_raster_collection a member above the
 * single-file limit fails here.
 */
public final class ValidateRasterHandler implements TaskHandler {
  public static final String LARGE_JOB = "process_large_raster";

  private final TilingContext ctx;

  public ValidateRasterHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return RasterTasks.VALIDATE;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    String container = p.getString(CONTAINER_NAME);
    String blob = p.getString(BLOB_NAME);
    BlobEntry entry = ctx.source().require(container, blob);
    long singleMax = ctx.raster().singleMaxBytes();
    // process_raster routes big sources to tiles before this task (RasterRouting); the guard is
    // for jobs that process each source as one COG, such as process_raster_collection's members.
    if (p.getBoolean(RasterTasks.ENFORCE_SINGLE_LIMIT, false) && entry.size() > singleMax) {
      throw TaskFailure.permanent(
          RasterCodes.RASTER_TOO_LARGE_FOR_SINGLE,
          container
              + "/"
              + blob
              + " is "
              + entry.size()
              + " bytes, above the single-file limit of "
              + singleMax
              + " bytes (geomachine.worker.raster.single-max-bytes); size_bytes="
              + entry.size()
              + ", recommended_job: "
              + LARGE_JOB
              + " (submit it with the same container_name and blob_name)");
    }
    try (WorkDir dir = ctx.raster().workDir(input.taskId());
        SourceAccess.Opened src = ctx.access().open(container, entry, ctx.cacheDir())) {
      Validated v = validate(ctx, p, container, entry, src, dir.path());
      return v.summary().put("read_mode", src.mode());
    }
  }

  /** A source's inspection, its validation outcome, and the summary tasks report. */
  record Validated(RasterInfo info, RasterValidation.Outcome outcome, JsonObject summary) {}

  /** Inspects the opened source and validates it against the job's parameters. */
  static Validated validate(
      TilingContext ctx,
      JsonObject p,
      String container,
      BlobEntry entry,
      SourceAccess.Opened source,
      Path dir)
      throws InterruptedException, TaskFailure {
    RasterInfo info =
        new RasterInspector(ctx.remoteGdal()).inspect(source.path(), dir, source.metadata());
    RasterValidation.Outcome outcome =
        new RasterValidation()
            .validate(
                info,
                new RasterValidation.Request(
                    container + "/" + entry.name(),
                    p.getString(INPUT_CRS),
                    p.getString(RASTER_TYPE),
                    p.getBoolean(STRICT_MODE, false)));
    return new Validated(
        info, outcome, summary(container, entry, info, outcome, ctx.raster().singleMaxBytes()));
  }

  static JsonObject summary(
      String container,
      BlobEntry entry,
      RasterInfo info,
      RasterValidation.Outcome outcome,
      long singleMax) {
    JsonObject out =
        new JsonObject()
            .put(CONTAINER_NAME, container)
            .put(BLOB_NAME, entry.name())
            .put("size_bytes", entry.size())
            .put("last_modified", entry.lastModified().toString())
            .put("crs", info.crsLabel() != null ? info.crsLabel() : outcome.assignCrs())
            .put("width", info.width())
            .put("height", info.height())
            .put("band_count", info.bandCount())
            .put("data_type", info.dataType())
            .put("recommended_job", entry.size() > singleMax ? LARGE_JOB : "process_raster")
            .put("info", info.toJson());
    out.put("nodata", info.toJson().getValue("nodata"));
    out.put("bounds", info.toJson().getValue("bounds_native"));
    out.put("bbox_4326", info.toJson().getValue("bbox_4326"));
    return out.mergeIn(outcome.toJson());
  }
}
