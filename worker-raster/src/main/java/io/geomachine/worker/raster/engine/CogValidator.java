package io.geomachine.worker.raster.engine;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a file is a valid Cloud-Optimized GeoTIFF before it is published: GeoTIFF, the COG
 * layout GDAL's COG driver records, 512-pixel tiles, internal overviews when the image is larger
 * than a tile, and (when GDAL's Python utilities are installed for {@code /usr/bin/python3}) GDAL's
 * own validate_cloud_optimized_geotiff. An invalid COG is COG_INVALID.
 */
public final class CogValidator {
  static final String PYTHON = "/usr/bin/python3";
  static final String VALIDATOR_MODULE = "osgeo_utils.samples.validate_cloud_optimized_geotiff";
  private static volatile Boolean pythonValidator;

  private final Gdal gdal;
  private final RasterInspector inspector;

  public CogValidator(Gdal gdal) {
    this.gdal = gdal;
    this.inspector = new RasterInspector(gdal);
  }

  /** The problems that make the file not a valid COG (empty: valid). */
  public static List<String> problems(RasterInfo info) {
    List<String> p = new ArrayList<>();
    if (!"GTiff".equals(info.driver())) {
      p.add("not a GeoTIFF (driver " + info.driver() + ")");
    }
    if (!info.isCogLayout()) {
      p.add("layout is not COG (IMAGE_STRUCTURE LAYOUT=" + info.layout() + ")");
    }
    if (info.blockWidth() != CogOptions.BLOCK_SIZE || info.blockHeight() != CogOptions.BLOCK_SIZE) {
      p.add(
          "not tiled "
              + CogOptions.BLOCK_SIZE
              + "x"
              + CogOptions.BLOCK_SIZE
              + " (blocks "
              + info.blockWidth()
              + "x"
              + info.blockHeight()
              + ")");
    }
    if (Math.max(info.width(), info.height()) > CogOptions.BLOCK_SIZE
        && info.overviewCount() == 0) {
      p.add("no internal overviews for a " + info.width() + "x" + info.height() + " image");
    }
    return p;
  }

  /** The COG's metadata when it is valid; COG_INVALID listing every problem otherwise. */
  public RasterInfo validate(Path cog, String label) throws InterruptedException, TaskFailure {
    RasterInfo info;
    try {
      info = inspector.metadata(cog);
    } catch (TaskFailure e) {
      throw TaskFailure.permanent(
          RasterCodes.COG_INVALID, label + " is not a valid COG: " + e.getMessage());
    }
    List<String> problems = new ArrayList<>(problems(info));
    if (pythonValidatorAvailable()) {
      ProcessRunner.Result r = gdal.run(List.of(PYTHON, "-m", VALIDATOR_MODULE, cog.toString()));
      if (!r.ok()) {
        problems.add("GDAL's COG validator: " + r.output().strip());
      }
    }
    if (!problems.isEmpty()) {
      throw TaskFailure.permanent(
          RasterCodes.COG_INVALID,
          label + " is not a valid COG: " + String.join("; ", problems) + "; it was not published");
    }
    return info;
  }

  static boolean pythonValidatorAvailable() throws InterruptedException {
    Boolean available = pythonValidator;
    if (available == null) {
      available = false;
      if (Files.isExecutable(Path.of(PYTHON))) {
        try {
          available =
              ProcessRunner.run(
                      List.of(PYTHON, "-c", "import " + VALIDATOR_MODULE),
                      Gdal.ENV,
                      java.time.Duration.ofSeconds(30),
                      null)
                  .ok();
        } catch (java.io.IOException e) {
          available = false;
        }
      }
      pythonValidator = available;
    }
    return available;
  }
}
