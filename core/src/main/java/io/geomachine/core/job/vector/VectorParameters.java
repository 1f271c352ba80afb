package io.geomachine.core.job.vector;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** The shapes and checks of {@code process_vector}'s parameters (see docs/vector.md). */
public final class VectorParameters {
  /** A safe PostgreSQL identifier of at most 63 bytes (ASCII only, so bytes = characters). */
  public static final String TABLE_NAME = "[a-z_][a-z0-9_]{0,62}";

  public static final String CRS = "(?i)(EPSG|ESRI):[0-9]{1,6}";
  public static final String STAC_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}";

  public static final String MIXED_PROMOTE = "promote";
  public static final String MIXED_GEOMETRY = "geometry";

  /** File extensions prepare reads (without the dot, lower case). */
  public static final List<String> EXTENSIONS =
      List.of(
          "csv",
          "geojson",
          "json",
          "geojsonl",
          "geojsons",
          "ndjson",
          "gpkg",
          "kml",
          "kmz",
          "shp",
          "zip",
          "fgb",
          "gml",
          "gdb");

  /** Tables of the geo schema that belong to the platform, not to users. */
  public static final Set<String> RESERVED_TABLES = Set.of("table_metadata");

  /**
   * The standard columns every geo table has (GeoTableBuilder), besides the geometry column; a
   * source column may not take one of these names.
   */
  public static final List<String> STANDARD_COLUMNS =
      List.of(
          "objectid",
          "created_at",
          "updated_at",
          "source_file",
          "source_format",
          "source_crs",
          "stac_item_id",
          "stac_collection_id",
          "etl_job_id",
          "etl_batch_id");

  public static final String GEOMETRY_COLUMN = "geom";
  public static final String ARCGIS_GEOMETRY_COLUMN = "shape";

  public static final Set<String> INDEX_TYPES = Set.of("btree", "brin", "hash");

  private static final Set<String> CONVERTER_KEYS =
      Set.of("lat_name", "lon_name", "wkt_column", "layer_name", "shp_name", "kml_name");
  private static final Set<String> GEOMETRY_KEYS = Set.of("keep_z", "keep_m");
  private static final Pattern COLUMN = Pattern.compile("[^\\x00-\\x1f]{1,255}");

  private VectorParameters() {}

  public static String geometryColumn(boolean arcgisMode) {
    return arcgisMode ? ARCGIS_GEOMETRY_COLUMN : GEOMETRY_COLUMN;
  }

  /** A file extension without its dot, lower case; "shp.zip" style double extensions too. */
  public static String normaliseExtension(String extension) {
    String e = extension.strip().toLowerCase(Locale.ROOT);
    return e.startsWith(".") ? e.substring(1) : e;
  }

  static String checkFileExtension(Object value) {
    String e = normaliseExtension((String) value);
    return EXTENSIONS.contains(e)
        ? null
        : "unsupported format '" + value + "'; supported: " + String.join(", ", EXTENSIONS);
  }

  static String checkTableName(Object value) {
    return RESERVED_TABLES.contains(value) ? "'" + value + "' is reserved by the platform" : null;
  }

  static String checkConverterParams(Object value) {
    JsonObject p = (JsonObject) value;
    for (String key : p.fieldNames()) {
      if (!CONVERTER_KEYS.contains(key)) {
        return "unknown key '" + key + "'; allowed: " + String.join(", ", sorted(CONVERTER_KEYS));
      }
      Object v = p.getValue(key);
      if (v != null && !(v instanceof String s && COLUMN.matcher(s).matches())) {
        return key + " must be a non-empty string of at most 255 characters";
      }
    }
    if ((p.getValue("lat_name") == null) != (p.getValue("lon_name") == null)) {
      return "lat_name and lon_name go together";
    }
    if (p.getValue("lat_name") != null && p.getValue("wkt_column") != null) {
      return "give lat_name/lon_name or wkt_column, not both";
    }
    return null;
  }

  static String checkGeometryParams(Object value) {
    JsonObject p = (JsonObject) value;
    for (String key : p.fieldNames()) {
      if (!GEOMETRY_KEYS.contains(key)) {
        return "unknown key '" + key + "'; allowed: " + String.join(", ", sorted(GEOMETRY_KEYS));
      }
      if (!(p.getValue(key) instanceof Boolean)) {
        return key + " must be true or false";
      }
    }
    return null;
  }

  static String checkIndexes(Object value) {
    JsonArray list = (JsonArray) value;
    if (list.size() > 20) {
      return "at most 20 indexes";
    }
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject spec)) {
        return "[" + i + "] must be an object {\"columns\": [...], \"type\": \"btree\"}";
      }
      for (String key : spec.fieldNames()) {
        if (!key.equals("columns") && !key.equals("type")) {
          return "[" + i + "]: unknown key '" + key + "'; allowed: columns, type";
        }
      }
      if (!(spec.getValue("columns") instanceof JsonArray cols)
          || cols.isEmpty()
          || cols.size() > 8
          || !cols.stream().allMatch(c -> c instanceof String s && COLUMN.matcher(s).matches())) {
        return "[" + i + "].columns must be a list of 1 to 8 column names";
      }
      Object type = spec.getValue("type", "btree");
      if (!(type instanceof String t) || !INDEX_TYPES.contains(t)) {
        return "[" + i + "].type must be one of " + sorted(INDEX_TYPES) + " (got " + type + ")";
      }
    }
    return null;
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
