package io.geomachine.core.job.raster;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * How a large raster is cut into tiles: a grid of {@code tileSize} pixel squares (the last row and
 * column smaller) over a {@code width} x {@code height} raster, each window widened by {@code
 * overlap} pixels on every side (clipped at the raster's edges). Pure arithmetic, so the stage that
 * computes the scheme and the planner that fans it out always agree on the same windows.
 */
public record TileGrid(long width, long height, int tileSize, int overlap) {
  /** Tile sizes are multiples of this (the COG block size), so tile edges fall on block edges. */
  public static final int BLOCK = 512;

  public static final int MIN_TILE = BLOCK;
  public static final int MAX_TILE = 32_768;

  public TileGrid {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException("raster size must be positive: " + width + "x" + height);
    }
    if (tileSize < 1 || overlap < 0 || overlap >= tileSize) {
      throw new IllegalArgumentException(
          "tile size must be positive and larger than the overlap: " + tileSize + "/" + overlap);
    }
  }

  /** One tile: its place in the grid and its pixel window in the source. */
  public record Window(int row, int col, long xoff, long yoff, long xsize, long ysize) {
    /** The tile's stable name, also its task index: {@code tile_{row}_{col}}. */
    public String name() {
      return "tile_" + row + "_" + col;
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("row", row)
          .put("col", col)
          .put("xoff", xoff)
          .put("yoff", yoff)
          .put("xsize", xsize)
          .put("ysize", ysize);
    }

    public static Window fromJson(JsonObject j) {
      return new Window(
          j.getInteger("row"),
          j.getInteger("col"),
          j.getLong("xoff"),
          j.getLong("yoff"),
          j.getLong("xsize"),
          j.getLong("ysize"));
    }
  }

  /**
   * The largest tile side (a multiple of {@link #BLOCK}, between {@link #MIN_TILE} and {@link
   * #MAX_TILE}) whose uncompressed pixels fit in {@code budgetBytes}: what bounds one tile task's
   * memory and temporary disk whatever the size of the whole raster.
   */
  public static int automaticTileSize(int bands, int bytesPerSample, long budgetBytes) {
    long perPixel = (long) Math.max(1, bands) * Math.max(1, bytesPerSample);
    long side = (long) Math.floor(Math.sqrt((double) budgetBytes / perPixel));
    side = side / BLOCK * BLOCK;
    return (int) Math.max(MIN_TILE, Math.min(MAX_TILE, side));
  }

  public int columns() {
    return (int) ((width + tileSize - 1) / tileSize);
  }

  public int rows() {
    return (int) ((height + tileSize - 1) / tileSize);
  }

  public int tileCount() {
    return rows() * columns();
  }

  /** Every window, row by row. */
  public List<Window> windows() {
    List<Window> out = new ArrayList<>(tileCount());
    for (int r = 0; r < rows(); r++) {
      for (int c = 0; c < columns(); c++) {
        out.add(window(r, c));
      }
    }
    return out;
  }

  public Window window(int row, int col) {
    if (row < 0 || row >= rows() || col < 0 || col >= columns()) {
      throw new IllegalArgumentException("no tile " + row + "," + col + " in " + this);
    }
    long x0 = Math.max(0, (long) col * tileSize - overlap);
    long y0 = Math.max(0, (long) row * tileSize - overlap);
    long x1 = Math.min(width, (long) (col + 1) * tileSize + overlap);
    long y1 = Math.min(height, (long) (row + 1) * tileSize + overlap);
    return new Window(row, col, x0, y0, x1 - x0, y1 - y0);
  }

  /** The largest window's pixel count (what one task holds at most). */
  public long largestWindowPixels() {
    long w = Math.min(width, (long) tileSize + 2L * overlap);
    long h = Math.min(height, (long) tileSize + 2L * overlap);
    return w * h;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("width", width)
        .put("height", height)
        .put("tile_size", tileSize)
        .put("overlap", overlap)
        .put("rows", rows())
        .put("columns", columns());
  }

  public static TileGrid fromJson(JsonObject j) {
    return new TileGrid(
        j.getLong("width"),
        j.getLong("height"),
        j.getInteger("tile_size"),
        j.getInteger("overlap"));
  }
}
