package io.geomachine.worker.raster.tasks;

import static io.geomachine.core.job.raster.RasterParameters.BLOB_NAME;
import static io.geomachine.core.job.raster.RasterParameters.CONTAINER_NAME;
import static io.geomachine.core.job.raster.RasterParameters.JPEG_QUALITY;
import static io.geomachine.core.job.raster.RasterParameters.KEEP_NATIVE_CRS;
import static io.geomachine.core.job.raster.RasterParameters.NATIVE;
import static io.geomachine.core.job.raster.RasterParameters.OUTPUT_FOLDER;
import static io.geomachine.core.job.raster.RasterParameters.OUTPUT_TIER;
import static io.geomachine.core.job.raster.RasterParameters.TARGET_CRS;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.raster.RasterTasks;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CogOptions;
import io.geomachine.worker.raster.engine.CogTier;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.CogWriter;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterItems;
import io.geomachine.worker.raster.engine.RasterSource;
import io.geomachine.worker.raster.engine.RasterType;
import io.geomachine.worker.raster.engine.RasterValidation;
import io.geomachine.worker.raster.engine.WorkDir;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * Writes the COG of a validated source into the task's local directory, checks it is a valid COG,
 * and only then uploads it (replacing a previous run's) to the COG container: an invalid or failed
 * COG is never published, and a re-run writes the same blob again.
 */
public final class CreateCogHandler implements TaskHandler {
  private final RasterTaskContext ctx;

  public CreateCogHandler(RasterTaskContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return RasterTasks.CREATE_COG;
  }

  /** The COG options a job's parameters and the source's validation ask for. */
  public static CogOptions options(JsonObject p, JsonObject validation) throws TaskFailure {
    String target = p.getString(TARGET_CRS, "EPSG:4326");
    Integer targetEpsg =
        p.getBoolean(KEEP_NATIVE_CRS, false) || NATIVE.equalsIgnoreCase(target)
            ? null
            : RasterValidation.parseEpsg(target, TARGET_CRS);
    return new CogOptions(
        CogTier.fromLabel(p.getString(OUTPUT_TIER, "analysis")),
        p.getInteger(JPEG_QUALITY, 85),
        targetEpsg,
        validation.getString("assign_crs"),
        RasterType.fromLabel(validation.getString("raster_type")));
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    JsonObject validation = p.getJsonObject(RasterTasks.VALIDATION);
    String container = p.getString(CONTAINER_NAME);
    String blob = p.getString(BLOB_NAME);
    RasterInfo sourceInfo = RasterInfo.fromJson(validation.getJsonObject("info"));
    CogOptions options = options(p, validation);
    String cogBlob = RasterItems.cogBlobName(p.getString(OUTPUT_FOLDER), blob);
    String cogContainer = ctx.layout().cogContainer();
    RasterSource source = new RasterSource(ctx.store());
    BlobEntry entry = source.require(container, blob);
    try (WorkDir dir = ctx.workDir(input.taskId())) {
      Path file = source.download(container, entry, dir.path());
      Path out = dir.resolve("cog-" + cogBlob.substring(cogBlob.lastIndexOf('/') + 1));
      CogWriter.Result written = new CogWriter(ctx.gdal()).write(file, sourceInfo, options, out);
      RasterInfo cogInfo = new CogValidator(ctx.gdal()).validate(out, cogContainer + "/" + cogBlob);
      BlobEntry uploaded;
      try {
        ctx.store().ensureContainer(cogContainer);
        uploaded = ctx.store().upload(cogContainer, cogBlob, out, RasterItems.COG_MEDIA_TYPE);
      } catch (GeoMachineException e) {
        throw new TaskFailure(e.code().name(), "uploading the COG failed: " + e.getMessage(), true);
      }
      JsonArray warnings = validation.getJsonArray("warnings", new JsonArray()).copy();
      written.tier().warnings().forEach(warnings::add);
      return written
          .toJson()
          .put("cog_container", cogContainer)
          .put("cog_blob", cogBlob)
          .put("href", ctx.store().url(cogContainer, cogBlob))
          .put("cog_size_bytes", uploaded.size())
          .put("cog_valid", true)
          .put("cog_info", cogInfo.toJson())
          .put(CONTAINER_NAME, container)
          .put(BLOB_NAME, blob)
          .put("source_size_bytes", entry.size())
          .put("last_modified", validation.getString("last_modified"))
          .put("raster_type", options.rasterType().label())
          .put("source_info", validation.getJsonObject("info"))
          .put("warnings", warnings);
    }
  }
}
