package io.geomachine.worker.raster.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.process.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntBinaryOperator;

/**
 * Small rasters made by the tests with real GDAL: values come from ASCII grids written here, so
 * every raster has varied, known content.
 */
public final class TestRasters {
  private final Path dir;

  public TestRasters(Path dir) {
    this.dir = dir;
  }

  /** 3-band 8-bit RGB, 600x600 (larger than a tile, so the COG gets overviews), EPSG:32633. */
  public Path rgbUtm(String name) {
    List<String> bands = new ArrayList<>();
    for (int b = 0; b < 3; b++) {
      int band = b;
      bands.add(grid(name + "_b" + b, 600, 600, (x, y) -> (x * (band + 1) + y) % 256).toString());
    }
    Path vrt = dir.resolve(name + ".vrt");
    List<String> cmd = new ArrayList<>(List.of("gdalbuildvrt", "-q", "-separate", vrt.toString()));
    cmd.addAll(bands);
    run(cmd);
    return translate(
        vrt,
        name,
        "-ot",
        "Byte",
        "-a_nodata",
        "none",
        "-a_srs",
        "EPSG:32633",
        "-a_ullr",
        "500000",
        "5006000",
        "506000",
        "5000000",
        "-co",
        "PHOTOMETRIC=RGB");
  }

  /** 1-band Float32 elevation, 200x150, EPSG:4326 near Vienna, nodata -9999 in one corner. */
  public Path demFloat32(String name) {
    Path asc = grid(name, 200, 150, (x, y) -> x < 10 && y < 10 ? -9999 : 200 + x * 3 + y * 2);
    return translate(
        asc,
        name,
        "-ot",
        "Float32",
        "-a_srs",
        "EPSG:4326",
        "-a_nodata",
        "-9999",
        "-a_ullr",
        "16.0",
        "48.5",
        "16.2",
        "48.35");
  }

  /** 1-band 8-bit land cover with 5 classes and a palette, 128x128, EPSG:4326. */
  public Path categorical(String name) {
    Path tif =
        translate(
            grid(name + "_raw", 128, 128, (x, y) -> 1 + ((x / 16 + y / 32) % 5)),
            name + "_raw",
            "-ot",
            "Byte",
            "-a_nodata",
            "none",
            "-a_srs",
            "EPSG:4326",
            "-a_ullr",
            "10",
            "50",
            "10.128",
            "49.872");
    String vrtXml;
    try {
      Path vrt = dir.resolve(name + ".vrt");
      run(List.of("gdal_translate", "-q", "-of", "VRT", tif.toString(), vrt.toString()));
      StringBuilder table = new StringBuilder("<ColorInterp>Palette</ColorInterp><ColorTable>");
      for (int i = 0; i < 6; i++) {
        table.append("<Entry c1=\"").append(i * 40).append("\" c2=\"100\" c3=\"50\" c4=\"255\"/>");
      }
      table.append("</ColorTable>");
      vrtXml =
          Files.readString(vrt).replaceFirst("<ColorInterp>Gray</ColorInterp>", table.toString());
      Files.writeString(vrt, vrtXml);
      return translate(vrt, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code bands}-band UInt16 reflectances, 96x96, EPSG:4326. */
  public Path multispectral(String name, int bands) {
    List<String> files = new ArrayList<>();
    for (int b = 0; b < bands; b++) {
      int band = b;
      files.add(grid(name + "_b" + b, 96, 96, (x, y) -> 1000 + band * 500 + x * 7 + y).toString());
    }
    Path vrt = dir.resolve(name + ".vrt");
    List<String> cmd = new ArrayList<>(List.of("gdalbuildvrt", "-q", "-separate", vrt.toString()));
    cmd.addAll(files);
    run(cmd);
    return translate(
        vrt,
        name,
        "-ot",
        "UInt16",
        "-a_nodata",
        "none",
        "-a_srs",
        "EPSG:4326",
        "-a_ullr",
        "5",
        "45",
        "5.096",
        "44.904");
  }

  /** A georeferenced 1-band Int16 raster without any CRS. */
  public Path withoutCrs(String name) {
    Path asc = grid(name, 64, 64, (x, y) -> x + y);
    return translate(
        asc,
        name,
        "-ot",
        "Int16",
        "-a_nodata",
        "none",
        "-a_ullr",
        "500000",
        "5000640",
        "500640",
        "5000000");
  }

  /** A raster of the given GDAL data type (complex, 64-bit...), 16x16, EPSG:4326. */
  public Path ofType(String name, String dataType) {
    Path out = dir.resolve(name + ".tif");
    run(
        List.of(
            "gdal_create",
            "-q",
            "-of",
            "GTiff",
            "-outsize",
            "16",
            "16",
            "-bands",
            "1",
            "-ot",
            dataType,
            "-burn",
            "7",
            "-a_srs",
            "EPSG:4326",
            "-a_ullr",
            "0",
            "16",
            "16",
            "0",
            out.toString()));
    return out;
  }

  /**
   * 1-band 8-bit, 4608x4608, tiled 256x256 without overviews, EPSG:4326, values 1..255 in a
   * repeating pattern: big enough that inspection samples it by blocks.
   */
  public Path bigWithoutOverviews(String name) {
    Path small = grid(name + "_small", 512, 512, (x, y) -> 1 + (x * 3 + y * 5) % 255);
    return translate(
        small,
        name,
        "-ot",
        "Byte",
        "-outsize",
        "4608",
        "4608",
        "-r",
        "near",
        "-a_srs",
        "EPSG:4326",
        "-a_ullr",
        "10",
        "50",
        "11",
        "49",
        "-co",
        "TILED=YES",
        "-co",
        "COMPRESS=DEFLATE");
  }

  /** {@code file}'s first {@code fraction} of bytes (its last tiles missing) as a new file. */
  public Path cutAt(Path file, double fraction, String name) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Path out = dir.resolve(name + ".tif");
      Files.write(out, java.util.Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A tiled GeoTIFF cut off after its header: GDAL opens it but cannot read its pixels. */
  public Path truncated(String name) {
    Path whole = translate(demFloat32(name + "_whole"), name + "_tiled", "-co", "TILED=YES");
    try {
      byte[] bytes = Files.readAllBytes(whole);
      Path out = dir.resolve(name + ".tif");
      Files.write(out, java.util.Arrays.copyOf(bytes, 700));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A text file with a raster's name. */
  public Path notARaster(String name) {
    try {
      return Files.writeString(dir.resolve(name + ".tif"), "this is not a raster\n".repeat(20));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path grid(String name, int w, int h, IntBinaryOperator value) {
    StringBuilder s = new StringBuilder();
    s.append("ncols ").append(w).append("\nnrows ").append(h);
    s.append("\nxllcorner 0\nyllcorner 0\ncellsize 1\nNODATA_value -9999\n");
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        s.append(value.applyAsInt(x, y)).append(x + 1 < w ? ' ' : '\n');
      }
    }
    try {
      return Files.writeString(dir.resolve(name + ".asc"), s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path translate(Path src, String name, String... options) {
    Path out = dir.resolve(name + ".tif");
    List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff"));
    cmd.addAll(List.of(options));
    cmd.add(src.toString());
    cmd.add(out.toString());
    run(cmd);
    return out;
  }

  static void run(List<String> cmd) {
    try {
      ProcessRunner.Result r =
          ProcessRunner.run(cmd, Map.of("GDAL_PAM_ENABLED", "NO"), Duration.ofMinutes(2), null);
      assertTrue(r.ok(), r.describeFailure());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
