package io.geomachine.worker.raster.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A sample of a big raster that reads a few dozen of its blocks: a VRT mosaic of {@value #GRID} x
 * {@value #GRID} full-resolution windows spread evenly over the image, each aligned to the source's
 * blocks, the last row and column of windows at the image's edges. Decimating such a source instead
 * reads every block (a sampled row crosses every block row), which through {@code /vsiaz/} means
 * reading the whole file to inspect it.
 */
final class BlockSample {
  static final int GRID = 8;

  /** Below this many pixels (or with overviews GDAL decimates from) a decimated read is cheap. */
  static final long MIN_PIXELS = 4096L * 4096L;

  private BlockSample() {}

  /** Whether a big source without overviews, at least {@code size} pixels a side, is sampled. */
  static boolean worthIt(RasterInfo info, int size) {
    return info.overviewCount() == 0
        && (long) info.width() * info.height() > MIN_PIXELS
        && Math.min(info.width(), info.height()) >= size;
  }

  /** Writes the VRT of an {@code size} x {@code size} sample of {@code source} to {@code vrt}. */
  static void write(Path source, RasterInfo info, int size, Path vrt) {
    int cell = size / GRID;
    int[] xs = offsets(info.width(), info.blockWidth(), cell);
    int[] ys = offsets(info.height(), info.blockHeight(), cell);
    StringBuilder x = new StringBuilder();
    x.append("<VRTDataset rasterXSize=\"")
        .append(cell * GRID)
        .append("\" rasterYSize=\"")
        .append(cell * GRID)
        .append("\">\n");
    for (BandInfo band : info.bands()) {
      x.append("  <VRTRasterBand dataType=\"")
          .append(band.dataType())
          .append("\" band=\"")
          .append(band.index())
          .append("\">\n");
      if (band.nodata() != null) {
        x.append("    <NoDataValue>").append(number(band.nodata())).append("</NoDataValue>\n");
      }
      for (int row = 0; row < GRID; row++) {
        for (int col = 0; col < GRID; col++) {
          x.append("    <SimpleSource><SourceFilename relativeToVRT=\"0\">")
              .append(escape(source.toString()))
              .append("</SourceFilename><SourceBand>")
              .append(band.index())
              .append("</SourceBand>")
              .append(rect("SrcRect", xs[col], ys[row], cell))
              .append(rect("DstRect", col * cell, row * cell, cell))
              .append("</SimpleSource>\n");
        }
      }
      x.append("  </VRTRasterBand>\n");
    }
    x.append("</VRTDataset>\n");
    try {
      Files.writeString(vrt, x, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the {@value #GRID} windows of one axis start: evenly spread, moved back to the start of
   * their block when the window still fits in it (and blocks are smaller than the spacing), the
   * last one ending at the image's edge.
   */
  static int[] offsets(int extent, int block, int cell) {
    int[] out = new int[GRID];
    int span = Math.max(0, extent - cell);
    for (int i = 0; i < GRID; i++) {
      int wanted = (int) Math.round((double) span * i / (GRID - 1));
      // only where windows fall in different blocks (not across one strip spanning the image)
      boolean aligns = block > 0 && block < extent / GRID;
      int aligned = aligns ? wanted / block * block : wanted;
      boolean fitsInBlock = aligned + cell <= Math.min(extent, aligned + block);
      out[i] = aligns && fitsInBlock ? aligned : wanted;
    }
    out[GRID - 1] = span;
    return out;
  }

  private static String rect(String tag, int x, int y, int size) {
    return "<"
        + tag
        + " xOff=\""
        + x
        + "\" yOff=\""
        + y
        + "\" xSize=\""
        + size
        + "\" ySize=\""
        + size
        + "\"/>";
  }

  private static String number(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
