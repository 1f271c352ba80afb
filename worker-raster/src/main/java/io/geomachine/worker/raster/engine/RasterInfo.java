package io.geomachine.worker.raster.engine;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link RasterInspector} learned about a raster file: size, bands, CRS, georeferencing,
 * bounds (native and EPSG:4326) and its on-disk layout (tiling, overviews, compression, COG
 * layout). Serialises to the JSON handed between stages.
 *
 * @param epsg the CRS's EPSG code, null when the file has no CRS or one without an EPSG id
 * @param wkt the CRS as WKT, null when the file has none
 * @param geoTransform GDAL's 6 coefficients, null when the file has none
 * @param boundsNative {@code [minx, miny, maxx, maxy]} in the file's CRS (pixel space without one)
 * @param bbox4326 {@code [minx, miny, maxx, maxy]} in EPSG:4326, null without a CRS
 * @param layout {@code COG} when GDAL reports the COG layout, else null
 */
public record RasterInfo(
    String driver,
    int width,
    int height,
    List<BandInfo> bands,
    Integer epsg,
    String wkt,
    double[] geoTransform,
    double[] boundsNative,
    double[] bbox4326,
    int overviewCount,
    int blockWidth,
    int blockHeight,
    String compression,
    String interleave,
    String layout,
    long fileSizeBytes) {

  public boolean hasCrs() {
    return wkt != null && !wkt.isBlank();
  }

  public int bandCount() {
    return bands.size();
  }

  /** The data type of band 1 (GDAL names; bands of one file rarely differ). */
  public String dataType() {
    return bands.isEmpty() ? "Unknown" : bands.get(0).dataType();
  }

  /** Every band's data type, distinct, in band order. */
  public List<String> dataTypes() {
    return bands.stream().map(BandInfo::dataType).distinct().toList();
  }

  /** The nodata value of band 1, null when unset. */
  public Double nodata() {
    return bands.isEmpty() ? null : bands.get(0).nodata();
  }

  public boolean isCogLayout() {
    return "COG".equalsIgnoreCase(layout);
  }

  /** "EPSG:32633", or null. */
  public String crsLabel() {
    return epsg == null ? (hasCrs() ? "custom (no EPSG code)" : null) : "EPSG:" + epsg;
  }

  public JsonObject toJson() {
    JsonArray b = new JsonArray();
    bands.forEach(band -> b.add(band.toJson()));
    JsonObject j =
        new JsonObject()
            .put("driver", driver)
            .put("width", width)
            .put("height", height)
            .put("band_count", bands.size())
            .put("bands", b)
            .put("data_type", dataType())
            .put("overview_count", overviewCount)
            .put("block_size", new JsonArray().add(blockWidth).add(blockHeight))
            .put("file_size_bytes", fileSizeBytes);
    j.put("crs", crsLabel());
    j.put("epsg", epsg);
    j.put("wkt", wkt);
    j.put("nodata", BandInfo.nodataJson(nodata()));
    j.put("geotransform", array(geoTransform));
    j.put("bounds_native", array(boundsNative));
    j.put("bbox_4326", array(bbox4326));
    j.put("compression", compression);
    j.put("interleave", interleave);
    j.put("layout", layout);
    return j;
  }

  public static RasterInfo fromJson(JsonObject j) {
    List<BandInfo> bands = new ArrayList<>();
    j.getJsonArray("bands", new JsonArray())
        .forEach(o -> bands.add(BandInfo.fromJson((JsonObject) o)));
    JsonArray block = j.getJsonArray("block_size", new JsonArray().add(0).add(0));
    return new RasterInfo(
        j.getString("driver"),
        j.getInteger("width"),
        j.getInteger("height"),
        List.copyOf(bands),
        j.getInteger("epsg"),
        j.getString("wkt"),
        doubles(j.getJsonArray("geotransform")),
        doubles(j.getJsonArray("bounds_native")),
        doubles(j.getJsonArray("bbox_4326")),
        j.getInteger("overview_count", 0),
        block.getInteger(0),
        block.getInteger(1),
        j.getString("compression"),
        j.getString("interleave"),
        j.getString("layout"),
        j.getLong("file_size_bytes", 0L));
  }

  static JsonArray array(double[] values) {
    if (values == null) {
      return null;
    }
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }

  static double[] doubles(JsonArray a) {
    if (a == null) {
      return null;
    }
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) a.getValue(i)).doubleValue();
    }
    return out;
  }
}
