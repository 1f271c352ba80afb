package io.geomachine.worker.raster.tasks;

import static io.geomachine.core.job.raster.RasterParameters.BLOB_NAME;
import static io.geomachine.core.job.raster.RasterParameters.CONTAINER_NAME;
import static io.geomachine.core.job.raster.RasterParameters.ITEM_ID;
import static io.geomachine.core.job.raster.RasterParameters.JPEG_QUALITY;
import static io.geomachine.core.job.raster.RasterParameters.OUTPUT_TIER;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.raster.ProcessLargeRasterJob;
import io.geomachine.core.job.raster.TileGrid;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CogOptions;
import io.geomachine.worker.raster.engine.CogTier;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.CogWriter;
import io.geomachine.worker.raster.engine.Gdal;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterInspector;
import io.geomachine.worker.raster.engine.RasterItems;
import io.geomachine.worker.raster.engine.RasterType;
import io.geomachine.worker.raster.engine.SourceAccess;
import io.geomachine.worker.raster.engine.WorkDir;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 2 of process_large_raster, one task per tile: a virtual raster of the tile's window (a
 * {@code -srcwin} cut of the source, or a warp of exactly the tile's part of the target grid) is
 * written as a COG, checked, and published as {@code {output}/{job}/tile_{row}_{col}.tif}. Only the
 * window's blocks are read, so memory (GDAL_CACHEMAX) and local disk (one tile COG) stay bounded.
 * The result has the shape of process_raster's COG result, so the same item task catalogues it.
 */
public final class TileCogHandler implements TaskHandler {
  private final TilingContext ctx;

  public TileCogHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return ProcessLargeRasterJob.TILE_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    JsonObject scheme = p.getJsonObject("scheme");
    JsonObject output = scheme.getJsonObject("output");
    JsonObject validation = scheme.getJsonObject("validation");
    TileGrid.Window w = TileGrid.Window.fromJson(p.getJsonObject("window"));
    String container = p.getString(CONTAINER_NAME);
    String blob = p.getString(BLOB_NAME);
    String cogBlob = p.getString("cog_blob");
    String cogContainer = ctx.raster().layout().cogContainer();
    BlobEntry entry = ctx.source().require(container, blob);
    Gdal gdal = ctx.remoteGdal();
    try (WorkDir dir = ctx.raster().workDir(input.taskId());
        SourceAccess.Opened src = ctx.access().open(container, entry, ctx.cacheDir())) {
      Path window = dir.resolve(w.name() + ".vrt");
      run(gdal, windowCommand(src.path(), output, w, window), w);
      RasterInfo tileInfo = new RasterInspector(gdal).metadata(window);
      RasterType type = RasterType.fromLabel(validation.getString("raster_type"));
      // the window is already in the output CRS: the COG is written without another warp
      CogOptions options =
          new CogOptions(
              CogTier.fromLabel(p.getString(OUTPUT_TIER, "analysis")),
              p.getInteger(JPEG_QUALITY, 85),
              null,
              null,
              type);
      Path out = dir.resolve(w.name() + ".tif");
      CogWriter.Result written = new CogWriter(gdal).write(window, tileInfo, options, out);
      RasterInfo cogInfo =
          new CogValidator(ctx.raster().gdal()).validate(out, cogContainer + "/" + cogBlob);
      BlobEntry uploaded;
      try {
        ctx.raster().store().ensureContainer(cogContainer);
        uploaded =
            ctx.raster().store().upload(cogContainer, cogBlob, out, RasterItems.COG_MEDIA_TYPE);
      } catch (GeoMachineException e) {
        throw new TaskFailure(
            e.code().name(), "uploading the tile failed: " + e.getMessage(), true);
      }
      JsonArray warnings = validation.getJsonArray("warnings", new JsonArray()).copy();
      written.tier().warnings().forEach(warnings::add);
      return written
          .toJson()
          .put("reprojected", output.getBoolean("reprojected"))
          .put("cog_container", cogContainer)
          .put("cog_blob", cogBlob)
          .put("href", ctx.raster().store().url(cogContainer, cogBlob))
          .put("cog_size_bytes", uploaded.size())
          .put("cog_valid", true)
          .put("cog_info", cogInfo.toJson())
          .put(CONTAINER_NAME, container)
          .put(BLOB_NAME, blob)
          .put("source_size_bytes", entry.size())
          .put("last_modified", validation.getString("last_modified"))
          .put("raster_type", type.label())
          // the source's sampled statistics do not describe one tile: the item gets none
          .put("source_info", cogInfo.toJson())
          .put("warnings", warnings)
          .put("tile", w.name())
          .put("window", w.toJson())
          .put("read_mode", src.mode())
          .put(ITEM_ID, p.getString(ITEM_ID));
    }
  }

  /** The GDAL command writing the tile's window as a VRT (reads nothing but metadata). */
  static List<String> windowCommand(Path source, JsonObject output, TileGrid.Window w, Path vrt) {
    String assign = output.getString("assign_crs");
    List<String> cmd = new ArrayList<>();
    if (!output.getBoolean("reprojected", false)) {
      cmd.addAll(List.of("gdal_translate", "-q", "-of", "VRT"));
      if (assign != null) {
        cmd.addAll(List.of("-a_srs", assign));
      }
      cmd.addAll(
          List.of(
              "-srcwin",
              String.valueOf(w.xoff()),
              String.valueOf(w.yoff()),
              String.valueOf(w.xsize()),
              String.valueOf(w.ysize())));
    } else {
      JsonArray gt = output.getJsonArray("geotransform");
      double minx = gt.getDouble(0) + w.xoff() * gt.getDouble(1);
      double maxy = gt.getDouble(3) + w.yoff() * gt.getDouble(5);
      double maxx = minx + w.xsize() * gt.getDouble(1);
      double miny = maxy + w.ysize() * gt.getDouble(5);
      cmd.addAll(List.of("gdalwarp", "-q", "-overwrite", "-of", "VRT"));
      if (assign != null) {
        cmd.addAll(List.of("-s_srs", assign));
      }
      cmd.addAll(
          List.of(
              "-t_srs",
              "EPSG:" + output.getInteger("epsg"),
              "-r",
              output.getString("warp_resampling"),
              "-te",
              Double.toString(minx),
              Double.toString(miny),
              Double.toString(maxx),
              Double.toString(maxy),
              "-ts",
              String.valueOf(w.xsize()),
              String.valueOf(w.ysize())));
    }
    cmd.add(source.toString());
    cmd.add(vrt.toString());
    return cmd;
  }

  private static void run(Gdal gdal, List<String> cmd, TileGrid.Window w)
      throws InterruptedException, TaskFailure {
    var r = gdal.run(cmd);
    if (!r.ok()) {
      throw TaskFailure.permanent(
          RasterCodes.COG_CREATION_FAILED,
          "cutting " + w.name() + " from the source failed: " + r.describeFailure());
    }
  }
}
