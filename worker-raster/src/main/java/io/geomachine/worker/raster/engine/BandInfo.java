package io.geomachine.worker.raster.engine;

import io.vertx.core.json.JsonObject;

/**
 * One band as GDAL reports it, with statistics of a sampled read when one was made (null
 * otherwise).
 *
 * @param distinctValues distinct values in the sample (8-bit bands only, from their exact
 *     histogram), else null
 */
public record BandInfo(
    int index,
    String dataType,
    Double nodata,
    String colorInterpretation,
    String description,
    int colorTableEntries,
    Double minimum,
    Double maximum,
    Double mean,
    Double stdDev,
    Integer distinctValues) {

  public boolean hasColorTable() {
    return colorTableEntries > 0;
  }

  public JsonObject toJson() {
    JsonObject j =
        new JsonObject()
            .put("band", index)
            .put("data_type", dataType)
            .put("color_interpretation", colorInterpretation);
    putIfSet(j, "nodata", nodataJson(nodata));
    putIfSet(j, "description", description == null || description.isEmpty() ? null : description);
    if (colorTableEntries > 0) {
      j.put("color_table_entries", colorTableEntries);
    }
    putIfSet(j, "minimum", minimum);
    putIfSet(j, "maximum", maximum);
    putIfSet(j, "mean", mean);
    putIfSet(j, "stddev", stdDev);
    putIfSet(j, "distinct_values", distinctValues);
    return j;
  }

  public static BandInfo fromJson(JsonObject j) {
    return new BandInfo(
        j.getInteger("band"),
        j.getString("data_type"),
        RasterInspector.number(j.getValue("nodata")),
        j.getString("color_interpretation"),
        j.getString("description"),
        j.getInteger("color_table_entries", 0),
        j.getDouble("minimum"),
        j.getDouble("maximum"),
        j.getDouble("mean"),
        j.getDouble("stddev"),
        j.getInteger("distinct_values"));
  }

  /** JSON has no NaN: a NaN nodata value (common for floats) is written as "nan". */
  static Object nodataJson(Double nodata) {
    return nodata != null && nodata.isNaN() ? "nan" : nodata;
  }

  private static void putIfSet(JsonObject j, String key, Object value) {
    if (value != null) {
      j.put(key, value);
    }
  }
}
