package io.geomachine.worker.vector;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.job.vector.VectorParameters;
import io.geomachine.core.schema.SqlText;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the load and publish stages need from a process_vector manifest, validated: every name that
 * ends up in SQL is a plain identifier (quoted through {@link SqlText}), every type comes from an
 * allow-list, so nothing in a manifest (ultimately user input) is concatenated into SQL unchecked.
 */
record VectorTableSpec(
    String jobId,
    String sourceFile,
    String sourceFormat,
    String sourceCrs,
    String targetSchema,
    String targetTable,
    String stagingTable,
    String geometryColumn,
    String geometryType,
    int srid,
    List<Column> columns,
    List<Chunk> chunks,
    boolean overwrite,
    List<IndexSpec> indexes,
    String collectionId,
    String itemId,
    long featureCount) {

  /** An attribute column: its name in the table and its PostgreSQL type. */
  record Column(String name, String pgType) {}

  /**
   * A chunk file: its index, blob name in the temp container, row count, batch id and format (text
   * when the manifest names none).
   */
  record Chunk(
      int index, String blob, long rows, String batchId, VectorManifest.ChunkFormat format) {
    static Chunk of(JsonObject c) throws TaskFailure {
      if (c == null
          || c.getInteger("index") == null
          || c.getString("blob") == null
          || c.getString("batch_id") == null) {
        throw invalid("chunk needs index, blob, rows and batch_id: " + c);
      }
      VectorManifest.ChunkFormat format;
      try {
        format = VectorManifest.ChunkFormat.fromWire(c.getString("format"));
      } catch (IllegalArgumentException e) {
        throw invalid("chunk " + c.getInteger("index") + ": " + e.getMessage());
      }
      return new Chunk(
          c.getInteger("index"),
          c.getString("blob"),
          c.getLong("rows", 0L),
          c.getString("batch_id"),
          format);
    }
  }

  /** A user index: columns and access method. */
  record IndexSpec(List<String> columns, String method, boolean unique) {}

  static final String STAGING_SCHEMA = VectorManifest.STAGING_SCHEMA;

  /** The standard columns every geo table starts with, in order (GeoTableBuilder). */
  static final List<String> STANDARD_COLUMNS = VectorParameters.STANDARD_COLUMNS;

  private static final Pattern GEOMETRY_TYPE =
      Pattern.compile(
          "(GEOMETRY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON"
              + "|GEOMETRYCOLLECTION)(Z|M|ZM)?");

  private static final Pattern PG_TYPE =
      Pattern.compile(
          "(smallint|integer|int|int2|int4|int8|bigint|real|float4|float8|double precision"
              + "|numeric(\\(\\d{1,4}(,\\d{1,4})?\\))?|boolean|bool|date|time|timetz"
              + "|time (with|without) time zone|timestamp|timestamptz"
              + "|timestamp (with|without) time zone|text|varchar(\\(\\d{1,5}\\))?"
              + "|character varying(\\(\\d{1,5}\\))?|json|jsonb|bytea|uuid)(\\[\\])?");

  private static final Set<String> INDEX_METHODS =
      Set.of("btree", "gist", "gin", "brin", "hash", "spgist");

  static TaskFailure invalid(String message) {
    return TaskFailure.permanent("INVALID_MANIFEST", message);
  }

  /** Validates a manifest (JSON, as prepare writes it: {@link VectorManifest#toJson}). */
  static VectorTableSpec of(JsonObject json) throws TaskFailure {
    if (json == null) {
      throw invalid("no manifest");
    }
    VectorManifest m;
    try {
      m = VectorManifest.fromJson(json);
    } catch (RuntimeException e) {
      throw invalid("the manifest is malformed: " + e);
    }
    JsonObject named = new JsonObject();
    named.put("target_table", m.targetTable()).put("staging_table", m.stagingTable());
    named.put("geometry_column", m.geometryColumn());
    String target = name(named, "target_table");
    String staging = name(named, "staging_table");
    if (!"geo".equals(m.targetSchema())) {
      throw invalid("target_schema must be geo (got " + m.targetSchema() + ")");
    }
    String geometryColumn = name(named, "geometry_column");
    String geometryType = m.geometryType() == null ? "" : m.geometryType().toUpperCase(Locale.ROOT);
    if (!GEOMETRY_TYPE.matcher(geometryType).matches()) {
      throw invalid("geometry_type is not a PostGIS geometry type: " + geometryType);
    }
    if (m.srid() != 4326) {
      throw invalid("srid must be 4326 (got " + m.srid() + ")");
    }
    Set<String> seen = new HashSet<>(STANDARD_COLUMNS);
    if (!seen.add(geometryColumn)) {
      throw invalid("geometry_column collides with a standard column: " + geometryColumn);
    }
    List<Column> columns = new ArrayList<>();
    for (VectorManifest.Column c : m.columns()) {
      String name = name(new JsonObject().put("column", c.name()), "column");
      String type = c.pgType() == null ? "" : c.pgType().trim().toLowerCase(Locale.ROOT);
      if (!PG_TYPE.matcher(type).matches()) {
        throw invalid("column " + name + ": unsupported pg_type '" + type + "'");
      }
      if (!seen.add(name)) {
        throw invalid("column " + name + " appears twice or collides with a standard column");
      }
      columns.add(new Column(name, type));
    }
    List<Chunk> chunks = new ArrayList<>();
    for (VectorManifest.Chunk c : m.chunks()) {
      chunks.add(Chunk.of(c.toJson()));
    }
    List<IndexSpec> indexes = new ArrayList<>();
    for (int i = 0; i < m.indexes().size(); i++) {
      indexes.add(index(m.indexes().getValue(i), seen));
    }
    return new VectorTableSpec(
        require(json, "job_id"),
        m.sourceFile(),
        m.sourceFormat(),
        m.sourceCrs(),
        m.targetSchema(),
        target,
        staging,
        geometryColumn,
        geometryType,
        m.srid(),
        List.copyOf(columns),
        List.copyOf(chunks),
        m.overwrite(),
        List.copyOf(indexes),
        m.collectionId(),
        m.itemId(),
        m.featureCount());
  }

  private static IndexSpec index(Object raw, Set<String> known) throws TaskFailure {
    List<String> columns = new ArrayList<>();
    String method = "btree";
    boolean unique = false;
    if (raw instanceof String s) {
      columns.add(s);
    } else if (raw instanceof JsonObject o) {
      Object c = o.getValue("columns", o.getValue("column"));
      if (c instanceof JsonArray a) {
        a.forEach(v -> columns.add(String.valueOf(v)));
      } else if (c != null) {
        columns.add(String.valueOf(c));
      }
      method = o.getString("type", o.getString("method", "btree")).toLowerCase(Locale.ROOT);
      unique = o.getBoolean("unique", false);
    } else {
      throw invalid("an index is a column name or {columns, type}: " + raw);
    }
    if (columns.isEmpty()) {
      throw invalid("index without columns: " + raw);
    }
    if (!INDEX_METHODS.contains(method)) {
      throw invalid("index type must be one of " + INDEX_METHODS + " (got " + method + ")");
    }
    for (String c : columns) {
      if (!known.contains(c)) {
        throw TaskFailure.permanent(
            "INVALID_INDEX", "index column " + c + " is not a column of the table");
      }
    }
    return new IndexSpec(List.copyOf(columns), method, unique);
  }

  private static String require(JsonObject o, String key) throws TaskFailure {
    String v = o.getString(key);
    if (v == null || v.isBlank()) {
      throw invalid(key + " is missing");
    }
    return v;
  }

  /** A field that must be a plain identifier (lower case, digits, underscore, at most 63 bytes). */
  private static String name(JsonObject o, String key) throws TaskFailure {
    String v = require(o, key);
    try {
      SqlText.ident(v);
    } catch (IllegalArgumentException e) {
      throw TaskFailure.permanent(
          "INVALID_TABLE_NAME",
          key + " '" + v + "' must match [a-z_][a-z0-9_]* and be at most 63 bytes");
    }
    return v;
  }

  String stacCollection() {
    return collectionId == null || collectionId.isBlank() ? "system-vectors" : collectionId;
  }

  String stacItem() {
    return itemId == null || itemId.isBlank() ? targetTable : itemId;
  }

  long manifestRows() {
    return chunks.stream().mapToLong(Chunk::rows).sum();
  }
}
