package io.geomachine.worker.raster.engine;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a COG with GDAL's COG driver: {@code gdalwarp -of COG} when the target CRS differs from
 * the source's, else {@code gdal_translate -of COG}. 512-pixel tiles, internal overviews, the
 * tier's compression, resampling by raster type (class values are never interpolated), nodata
 * carried over by GDAL. Writes a local file only; the caller validates it before publishing.
 */
public final class CogWriter {
  private final Gdal gdal;

  public CogWriter(Gdal gdal) {
    this.gdal = gdal;
  }

  /** What was written and how. */
  public record Result(
      CogTier.Plan tier,
      boolean reprojected,
      String warpResampling,
      String overviewResampling,
      List<String> command,
      long durationMs) {

    public JsonObject toJson() {
      return new JsonObject()
          .put("output_tier", tier.applied().label())
          .put("requested_tier", tier.requested().label())
          .put("reprojected", reprojected)
          .put("warp_resampling", reprojected ? warpResampling : null)
          .put("overview_resampling", overviewResampling)
          .put("gdal_command", String.join(" ", command))
          .put("gdal_ms", durationMs)
          .put("warnings", new JsonArray(new ArrayList<>(tier.warnings())));
    }
  }

  /** The GDAL command that makes {@code out} from {@code source}: also what benchmarks run. */
  public static List<String> command(
      Path source, RasterInfo info, CogOptions opts, CogTier.Plan plan, Path out) {
    RasterType type = opts.rasterType();
    boolean warp = opts.reprojects(info.epsg() != null ? info.epsg() : epsgOf(opts.assignCrs()));
    List<String> cmd = new ArrayList<>();
    if (warp) {
      cmd.addAll(List.of("gdalwarp", "-q", "-overwrite", "-of", "COG"));
      if (opts.assignCrs() != null) {
        cmd.addAll(List.of("-s_srs", opts.assignCrs()));
      }
      cmd.addAll(List.of("-t_srs", "EPSG:" + opts.targetEpsg(), "-r", type.warpResampling()));
      cmd.addAll(List.of("-multi", "-wo", "NUM_THREADS=ALL_CPUS"));
    } else {
      cmd.addAll(List.of("gdal_translate", "-q", "-of", "COG"));
      if (opts.assignCrs() != null) {
        cmd.addAll(List.of("-a_srs", opts.assignCrs()));
      }
    }
    List<String> co = new ArrayList<>(plan.options());
    co.add("BLOCKSIZE=" + CogOptions.BLOCK_SIZE);
    co.add("OVERVIEWS=IGNORE_EXISTING");
    co.add("OVERVIEW_RESAMPLING=" + type.overviewResampling());
    co.add("NUM_THREADS=ALL_CPUS");
    co.add("BIGTIFF=IF_SAFER");
    for (String c : co) {
      cmd.add("-co");
      cmd.add(c);
    }
    cmd.add(source.toString());
    cmd.add(out.toString());
    return cmd;
  }

  /**
   * Writes {@code out} (replacing it); COG_CREATION_FAILED with GDAL's error when the tool fails,
   * and no file is left behind then.
   */
  public Result write(Path source, RasterInfo info, CogOptions opts, Path out)
      throws InterruptedException, TaskFailure {
    CogTier.Plan plan = opts.tier().plan(info, opts.jpegQuality());
    List<String> cmd = command(source, info, opts, plan, out);
    ProcessRunner.Result r;
    try {
      r = gdal.run(cmd);
    } catch (TaskFailure | InterruptedException e) {
      deleteQuietly(out);
      throw e;
    }
    if (!r.ok() || !Files.isRegularFile(out)) {
      deleteQuietly(out);
      throw Gdal.readFailure(
          RasterCodes.COG_CREATION_FAILED,
          "creating the COG of " + source.getFileName() + " failed: " + r.describeFailure(),
          r.output());
    }
    boolean warped = "gdalwarp".equals(cmd.get(0));
    return new Result(
        plan,
        warped,
        opts.rasterType().warpResampling(),
        opts.rasterType().overviewResampling(),
        cmd,
        r.durationMs());
  }

  private static Integer epsgOf(String crs) {
    if (crs == null) {
      return null;
    }
    try {
      return RasterValidation.parseEpsg(crs, "input_crs");
    } catch (TaskFailure e) {
      return null;
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // in the task's work directory, which is deleted as a whole
    }
  }
}
