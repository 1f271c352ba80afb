package io.geomachine.worker.raster.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MosaicJSON 0.0.3 documents (the format TiTiler and cogeo-mosaic read): the COGs of a mosaic by
 * the Web Mercator quadkeys (at {@code quadkey_zoom} = minzoom) their bounds touch, with the
 * mosaic's bounds, center and zoom range.
 */
public final class MosaicJson {
  public static final String VERSION = "0.0.3";
  public static final int MAX_ZOOM = 24;
  private static final double EARTH_CIRCUMFERENCE_M = 40_075_016.686;
  private static final double MAX_LAT = 85.0511287798066;

  private MosaicJson() {}

  /** One COG of the mosaic: its URL, bounds in EPSG:4326 and size in pixels. */
  public record Tile(String url, double[] bbox, long width, long height) {}

  /**
   * The zoom whose Web Mercator pixel (256-pixel tiles) is about as fine as the COG's own pixel, so
   * no detail is lost at maxzoom.
   */
  public static int maxzoomFor(Tile t) {
    double midLat = Math.toRadians((t.bbox()[1] + t.bbox()[3]) / 2);
    double metersPerPixel =
        (t.bbox()[2] - t.bbox()[0]) * 111_320.0 * Math.cos(midLat) / Math.max(1, t.width());
    if (metersPerPixel <= 0) {
      return MAX_ZOOM;
    }
    int z =
        (int) Math.ceil(log2(EARTH_CIRCUMFERENCE_M * Math.cos(midLat) / (256 * metersPerPixel)));
    return clamp(z);
  }

  /** The zoom at which the whole COG fits in about one 256-pixel tile (its coarsest overview). */
  public static int minzoomFor(Tile t, int maxzoom) {
    long side = Math.max(t.width(), t.height());
    int levels = side <= 256 ? 0 : (int) Math.ceil(log2(side / 256.0));
    return clamp(maxzoom - levels);
  }

  /**
   * The document. {@code maxzoom} null: computed from the finest tile; minzoom from the largest
   * tile (never above maxzoom).
   */
  public static JsonObject build(String name, List<Tile> tiles, Integer maxzoom) {
    if (tiles.isEmpty()) {
      throw new IllegalArgumentException("a mosaic needs at least one COG");
    }
    int max =
        maxzoom != null ? maxzoom : tiles.stream().mapToInt(MosaicJson::maxzoomFor).max().orElse(0);
    int min = tiles.stream().mapToInt(t -> minzoomFor(t, max)).min().orElse(0);
    double[] bounds = {180, 90, -180, -90};
    Map<String, List<String>> byQuadkey = new TreeMap<>();
    for (Tile t : tiles) {
      double[] b = t.bbox();
      bounds[0] = Math.min(bounds[0], b[0]);
      bounds[1] = Math.min(bounds[1], b[1]);
      bounds[2] = Math.max(bounds[2], b[2]);
      bounds[3] = Math.max(bounds[3], b[3]);
      for (String qk : quadkeys(b, min)) {
        byQuadkey.computeIfAbsent(qk, k -> new ArrayList<>()).add(t.url());
      }
    }
    JsonObject quadkeys = new JsonObject();
    byQuadkey.forEach((qk, urls) -> quadkeys.put(qk, new JsonArray(new ArrayList<>(urls))));
    return new JsonObject()
        .put("mosaicjson", VERSION)
        .put("name", name)
        .put("version", "1.0.0")
        .put("minzoom", min)
        .put("maxzoom", max)
        .put("quadkey_zoom", min)
        .put("bounds", new JsonArray().add(bounds[0]).add(bounds[1]).add(bounds[2]).add(bounds[3]))
        .put(
            "center",
            new JsonArray()
                .add((bounds[0] + bounds[2]) / 2)
                .add((bounds[1] + bounds[3]) / 2)
                .add(min))
        .put("tiles", quadkeys);
  }

  /** The quadkeys of the Web Mercator tiles at {@code zoom} that a bbox touches. */
  public static List<String> quadkeys(double[] bbox, int zoom) {
    int n = 1 << zoom;
    // a bbox edge that lies exactly on a tile edge does not touch the next tile
    double eps = 1e-9;
    int x0 = tileX(bbox[0], n);
    int x1 = tileX(Math.max(bbox[0], bbox[2] - eps), n);
    int y0 = tileY(bbox[3], n);
    int y1 = tileY(Math.min(bbox[3], bbox[1] + eps), n);
    List<String> out = new ArrayList<>();
    for (int y = y0; y <= y1; y++) {
      for (int x = x0; x <= x1; x++) {
        out.add(quadkey(x, y, zoom));
      }
    }
    return out;
  }

  public static String quadkey(int x, int y, int zoom) {
    StringBuilder qk = new StringBuilder(zoom);
    for (int i = zoom; i > 0; i--) {
      int mask = 1 << (i - 1);
      int digit = ((x & mask) != 0 ? 1 : 0) + ((y & mask) != 0 ? 2 : 0);
      qk.append(digit);
    }
    return qk.toString();
  }

  static int tileX(double lon, int n) {
    int x = (int) Math.floor((lon + 180) / 360 * n);
    return Math.max(0, Math.min(n - 1, x));
  }

  static int tileY(double lat, int n) {
    double r = Math.toRadians(Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)));
    int y = (int) Math.floor((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2 * n);
    return Math.max(0, Math.min(n - 1, y));
  }

  private static int clamp(int z) {
    return Math.max(0, Math.min(MAX_ZOOM, z));
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
