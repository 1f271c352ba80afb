package io.geomachine.worker.raster.tasks;

import static io.geomachine.core.job.raster.RasterParameters.BLOB_NAME;
import static io.geomachine.core.job.raster.RasterParameters.CONTAINER_NAME;

import io.geomachine.core.job.raster.ProcessLargeRasterJob;
import io.geomachine.core.job.raster.TileGrid;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CogOptions;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterInspector;
import io.geomachine.worker.raster.engine.RasterValidation;
import io.geomachine.worker.raster.engine.SourceAccess;
import io.geomachine.worker.raster.engine.WorkDir;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 1 of process_large_raster: inspects and validates the source where it lies (metadata and a
 * decimated sample, never the whole file on local disk), fixes the output grid (the source's, or
 * the grid gdalwarp chooses in the target CRS), cuts it into tiles and writes the scheme as JSON
 * under the job's recorded temp prefix.
 */
public final class TilingSchemeHandler implements TaskHandler {
  public static final String SCHEME_FILE = "tiling_scheme.json";
  private final TilingContext ctx;

  public TilingSchemeHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return ProcessLargeRasterJob.SCHEME_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    String container = p.getString(CONTAINER_NAME);
    String blob = p.getString(BLOB_NAME);
    BlobEntry entry = ctx.source().require(container, blob);
    Gdal gdal = ctx.remoteGdal();
    try (WorkDir dir = ctx.raster().workDir(input.taskId());
        SourceAccess.Opened src = ctx.access().open(container, entry, ctx.cacheDir())) {
      ValidateRasterHandler.Validated validated =
          ValidateRasterHandler.validate(ctx, p, container, entry, src, dir.path());
      RasterInfo info = validated.info();
      JsonObject validation = validated.summary();
      CogOptions options = CreateCogHandler.options(p, validation);
      JsonObject output = outputGrid(gdal, src.path(), info, options, dir.path());
      int tileSize = p.getInteger("tile_size", 0);
      boolean automatic = tileSize <= 0;
      if (automatic) {
        tileSize =
            TileGrid.automaticTileSize(
                info.bandCount(), bytesPerSample(info.dataType()), ctx.tileBudgetBytes());
      }
      TileGrid grid =
          new TileGrid(
              output.getLong("width"),
              output.getLong("height"),
              tileSize,
              Math.min(p.getInteger("overlap", 0), tileSize - 1));
      JsonObject scheme =
          new JsonObject()
              .put("grid", grid.toJson())
              .put("automatic_tile_size", automatic)
              .put("tile_budget_bytes", ctx.tileBudgetBytes())
              .put("output", output)
              .put("read_mode", src.mode())
              .put("validation", validation);
      String prefix = ctx.tempPrefix(input.jobId());
      String schemeBlob = prefix + SCHEME_FILE;
      String temp = ctx.raster().layout().tempContainer();
      ctx.intermediates().record(input.jobId(), temp, prefix, "raster_tiles");
      String outputPrefix = p.getString("output_prefix");
      if (outputPrefix != null) {
        // The tile COGs count as intermediates until the last stage publishes the mosaic.
        ctx.intermediates()
            .record(
                input.jobId(),
                ctx.raster().layout().cogContainer(),
                outputPrefix,
                TILE_COGS_UNTIL_PUBLISHED);
      }
      ctx.raster().store().ensureContainer(temp);
      ctx.raster()
          .store()
          .uploadBytes(
              temp,
              schemeBlob,
              scheme.encodePrettily().getBytes(StandardCharsets.UTF_8),
              "application/json");
      return scheme
          .put("scheme_container", temp)
          .put("scheme_blob", schemeBlob)
          .put("tile_count", grid.tileCount());
    }
  }

  /**
   * The grid the tiles cut: the source's own when the CRS is kept, else the one gdalwarp picks for
   * the whole source in the target CRS (a virtual warp: nothing is read but metadata), so the tiles
   * of the reprojected raster line up exactly.
   */
  /** The artifact kind of a tiled job's tile COGs before the job has published them. */
  static final String TILE_COGS_UNTIL_PUBLISHED = "tile_cogs_until_published";

  static JsonObject outputGrid(
      Gdal gdal, Path source, RasterInfo info, CogOptions options, Path dir)
      throws InterruptedException, TaskFailure {
    Integer sourceEpsg = info.epsg();
    boolean reproject =
        options.reprojects(sourceEpsg != null ? sourceEpsg : epsgOf(options.assignCrs()));
    RasterInfo grid = info;
    if (reproject) {
      Path vrt = dir.resolve("target-grid.vrt");
      List<String> cmd = new ArrayList<>(List.of("gdalwarp", "-q", "-overwrite", "-of", "VRT"));
      if (options.assignCrs() != null) {
        cmd.addAll(List.of("-s_srs", options.assignCrs()));
      }
      cmd.addAll(List.of("-t_srs", "EPSG:" + options.targetEpsg()));
      cmd.addAll(List.of(source.toString(), vrt.toString()));
      var r = gdal.run(cmd);
      if (!r.ok()) {
        throw TaskFailure.permanent(
            RasterCodes.COG_CREATION_FAILED,
            "computing the target grid failed: " + r.describeFailure());
      }
      grid = new RasterInspector(gdal).metadata(vrt);
    }
    JsonArray gt = new JsonArray();
    for (double v : grid.geoTransform()) {
      gt.add(v);
    }
    return new JsonObject()
        .put("width", (long) grid.width())
        .put("height", (long) grid.height())
        .put("geotransform", gt)
        .put("reprojected", reproject)
        .put("epsg", reproject ? options.targetEpsg() : sourceEpsg)
        .put("assign_crs", options.assignCrs())
        .put("raster_type", options.rasterType().label())
        .put("warp_resampling", options.rasterType().warpResampling());
  }

  private static Integer epsgOf(String crs) {
    try {
      return crs == null ? null : RasterValidation.parseEpsg(crs, "input_crs");
    } catch (TaskFailure e) {
      return null;
    }
  }

  static int bytesPerSample(String gdalType) {
    return switch (gdalType) {
      case "Byte", "Int8" -> 1;
      case "UInt16", "Int16" -> 2;
      case "UInt32", "Int32", "Float32", "CInt16" -> 4;
      case "CInt32", "CFloat32" -> 8;
      case "CFloat64" -> 16;
      default -> 8;
    };
  }
}
