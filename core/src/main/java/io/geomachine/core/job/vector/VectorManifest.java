package io.geomachine.core.job.vector;

import io.geomachine.core.model.WireNames;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract between {@code process_vector}'s prepare stage and its load and publish stages: what
 * prepare found and wrote. Prepare writes it as JSON to the temp container at {@link #blobName}
 * ({@code vector_chunks/{job_id}/manifest.json}) and returns it as its task result under {@code
 * manifest}.
 *
 * <p><b>Chunk files</b> ({@link Chunk#blob}, in the temp container, under {@link #prefix}) are
 * zstd-compressed (RFC 8878; the loader also reads gzip-compressed and uncompressed ones, told
 * apart by their magic numbers) PostgreSQL {@code COPY ... FROM STDIN} data in the {@link
 * ChunkFormat} each chunk names. Column order: the geometry (EWKB with SRID 4326, never NULL, never
 * empty; PostGIS type flags, or ISO type codes such as 3004 for MULTIPOINT ZM when M is kept, which
 * PostGIS reads alike), then {@link #columns} in order. The loader streams a chunk with {@code COPY
 * staging (geometry_column, col1, col2, ...) FROM STDIN} (with {@code (FORMAT binary)} for a binary
 * chunk) and adds the standard columns itself.
 *
 * @param jobId the job
 * @param sourceFile {@code container/blob} of the file the user submitted (the standard {@code
 *     source_file} column)
 * @param sourceFormat the GDAL driver that read it, e.g. {@code ESRI Shapefile}, {@code GPKG},
 *     {@code CSV} (the standard {@code source_format} column)
 * @param sourceCrs the CRS the layer declared (e.g. {@code EPSG:32633}), or the declared {@code
 *     source_crs} when it declared none (the standard {@code source_crs} column)
 * @param targetSchema always {@code geo}
 * @param targetTable the validated table name (safe identifier, at most 63 bytes)
 * @param stagingTable where load stages rows before publish: {@code _load_} + the first 16 hex
 *     digits of the job id, in schema {@code geo_staging} (created by the load stage)
 * @param geometryColumn {@code geom}, or {@code shape} in ArcGIS mode
 * @param geometryType the PostGIS type after normalisation, e.g. {@code MULTIPOLYGON}, {@code
 *     MULTIPOINTZ}, {@code MULTILINESTRINGZM}, or {@code GEOMETRY} (mixed_geometry=geometry); the
 *     Z/M suffix only when kept
 * @param srid always 4326
 * @param coordDimension 2 (XY), 3 (XYZ or XYM) or 4 (XYZM)
 * @param columns the attribute columns in chunk order (after the geometry)
 * @param featureCount rows written over all chunks
 * @param droppedNullGeometries features without a geometry, not written (point layers: a point is
 *     always valid)
 * @param chunks the chunk files, index 0..n-1
 * @param overwrite whether an existing target table is replaced
 * @param arcgisMode whether the table is in ArcGIS mode (geometry column {@code shape})
 * @param indexes the requested attribute indexes, each {@code {"columns": [target column names],
 *     "type": "btree"|"brin"|"hash"}}; column names already resolved to {@link Column#name}
 * @param collectionId the STAC collection the table's item goes into
 * @param itemId the STAC item id for the table
 */
public record VectorManifest(
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
    int coordDimension,
    List<Column> columns,
    long featureCount,
    long droppedNullGeometries,
    List<Chunk> chunks,
    boolean overwrite,
    boolean arcgisMode,
    JsonArray indexes,
    String collectionId,
    String itemId) {

  /** The schema staging tables live in (load creates it). */
  public static final String STAGING_SCHEMA = "geo_staging";

  /** The artifact kind and first path segment of the job's temp files. */
  public static final String ARTIFACT_KIND = "vector_chunks";

  public VectorManifest {
    columns = List.copyOf(columns);
    chunks = List.copyOf(chunks);
    indexes = indexes == null ? new JsonArray() : indexes.copy();
  }

  /**
   * One attribute column.
   *
   * @param name the cleaned PostgreSQL name ({@code [a-z_][a-z0-9_]*}, at most 63 bytes, unique, no
   *     standard column name)
   * @param sourceName the field's name in the source file
   * @param pgType the PostgreSQL type: {@code smallint}, {@code integer}, {@code bigint}, {@code
   *     real}, {@code double precision}, {@code numeric}, {@code boolean}, {@code date}, {@code
   *     timestamp with time zone}, {@code time}, {@code text}, {@code bytea}, or an array of one of
   *     them ({@code integer[]}, ...)
   */
  public record Column(String name, String sourceName, String pgType) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("name", name)
          .put("source_name", sourceName)
          .put("pg_type", pgType);
    }

    public static Column fromJson(JsonObject j) {
      return new Column(j.getString("name"), j.getString("source_name"), j.getString("pg_type"));
    }
  }

  /**
   * How a chunk's rows are encoded. Both are PostgreSQL's own COPY formats (documented with the
   * COPY command), zstd-compressed.
   */
  public enum ChunkFormat {
    /**
     * COPY TEXT: UTF-8, no header, one row per line ending in {@code \n}, columns separated by a
     * tab, {@code \N} for NULL, backslash escapes as in the PostgreSQL documentation (prepare
     * writes the canonical ones only, {@code \\}, {@code \t}, {@code \n}, {@code \r}, so a line is
     * always exactly one row). The geometry as hex EWKB; other values in PostgreSQL input syntax
     * for their {@link Column#pgType}: booleans {@code 1}/{@code 0} (or {@code t}/{@code f}), dates
     * {@code YYYY-MM-DD}, timestamps {@code YYYY-MM-DD HH:MM:SS[.fff][+HH]} (an offset when the
     * source had one), arrays {@code {a,b}}. Used when a column has a type the binary encoder does
     * not write (bytea, arrays).
     */
    TEXT("text", "tsv"),
    /**
     * COPY BINARY: the 19-byte header, one tuple per row (a 16-bit field count, then each field as
     * a 32-bit length, -1 for NULL, and its value in the type's binary send format, big-endian),
     * the 16-bit trailer -1. The geometry as EWKB bytes; columns are {@code boolean}, {@code
     * smallint}, {@code integer}, {@code bigint}, {@code real}, {@code double precision}, {@code
     * date} (days since 2000-01-01), {@code timestamp with time zone} (microseconds since
     * 2000-01-01 00:00 UTC), {@code time} (microseconds since midnight) or {@code text} (UTF-8
     * bytes). Half the bytes of the text format for a geometry, and PostgreSQL parses no text
     * (docs/benchmarks-vector.md section 11).
     */
    BINARY("binary", "pgcopy");

    private final String wire;
    private final String extension;

    ChunkFormat(String wire, String extension) {
      this.wire = wire;
      this.extension = extension;
    }

    /** The name in the manifest's JSON. */
    public String wire() {
      return wire;
    }

    /** {@code text} when absent: manifests written before binary chunks existed. */
    public static ChunkFormat fromWire(String wire) {
      if (wire == null) {
        return TEXT;
      }
      return WireNames.find(values(), ChunkFormat::wire, wire)
          .orElseThrow(() -> new IllegalArgumentException("unknown chunk format: " + wire));
    }
  }

  /**
   * One chunk file.
   *
   * @param index 0..n-1, also the load task's index
   * @param blob the blob name in the temp container
   * @param rows rows in the file
   * @param batchId the rows' {@code etl_batch_id}: {@code {job_id}:{index}} (at most 100 chars)
   * @param format how its rows are encoded
   */
  public record Chunk(int index, String blob, long rows, String batchId, ChunkFormat format) {
    public JsonObject toJson() {
      return new JsonObject()
          .put("index", index)
          .put("blob", blob)
          .put("rows", rows)
          .put("batch_id", batchId)
          .put("format", format.wire());
    }

    public static Chunk fromJson(JsonObject j) {
      return new Chunk(
          j.getInteger("index"),
          j.getString("blob"),
          j.getLong("rows"),
          j.getString("batch_id"),
          ChunkFormat.fromWire(j.getString("format")));
    }
  }

  /** Where a job's chunks and manifest live in the temp container: {@code vector_chunks/{job}/}. */
  public static String prefix(String jobId) {
    return ARTIFACT_KIND + "/" + jobId + "/";
  }

  /** The manifest's blob name in the temp container. */
  public static String blobName(String jobId) {
    return prefix(jobId) + "manifest.json";
  }

  /**
   * A chunk's blob name: {@code vector_chunks/{job}/chunk_000042.pgcopy.zst} (binary) or {@code
   * .tsv.zst} (text), zstd-compressed.
   */
  public static String chunkBlobName(String jobId, int index, ChunkFormat format) {
    return prefix(jobId) + String.format("chunk_%06d.%s.zst", index, format.extension);
  }

  public static String batchId(String jobId, int index) {
    return jobId + ":" + index;
  }

  /** {@code _load_} + the first 16 hex digits of the job id. */
  public static String stagingTableName(String jobId) {
    return "_load_" + jobId.substring(0, Math.min(16, jobId.length()));
  }

  /** The manifest without its chunk list: what each load task gets with its own chunk. */
  public VectorManifest withoutChunks() {
    return new VectorManifest(
        jobId,
        sourceFile,
        sourceFormat,
        sourceCrs,
        targetSchema,
        targetTable,
        stagingTable,
        geometryColumn,
        geometryType,
        srid,
        coordDimension,
        columns,
        featureCount,
        droppedNullGeometries,
        List.of(),
        overwrite,
        arcgisMode,
        indexes,
        collectionId,
        itemId);
  }

  public JsonObject toJson() {
    JsonArray cols = new JsonArray();
    columns.forEach(c -> cols.add(c.toJson()));
    JsonArray chunkList = new JsonArray();
    chunks.forEach(c -> chunkList.add(c.toJson()));
    return new JsonObject()
        .put("job_id", jobId)
        .put("source_file", sourceFile)
        .put("source_format", sourceFormat)
        .put("source_crs", sourceCrs)
        .put("target_schema", targetSchema)
        .put("target_table", targetTable)
        .put("staging_table", stagingTable)
        .put("geometry_column", geometryColumn)
        .put("geometry_type", geometryType)
        .put("srid", srid)
        .put("coord_dimension", coordDimension)
        .put("columns", cols)
        .put("feature_count", featureCount)
        .put("dropped_null_geometries", droppedNullGeometries)
        .put("chunks", chunkList)
        .put("overwrite", overwrite)
        .put("arcgis_mode", arcgisMode)
        .put("indexes", indexes.copy())
        .put("collection_id", collectionId)
        .put("item_id", itemId);
  }

  public static VectorManifest fromJson(JsonObject j) {
    List<Column> cols = new ArrayList<>();
    j.getJsonArray("columns", new JsonArray())
        .forEach(o -> cols.add(Column.fromJson((JsonObject) o)));
    List<Chunk> chunkList = new ArrayList<>();
    j.getJsonArray("chunks", new JsonArray())
        .forEach(o -> chunkList.add(Chunk.fromJson((JsonObject) o)));
    return new VectorManifest(
        j.getString("job_id"),
        j.getString("source_file"),
        j.getString("source_format"),
        j.getString("source_crs"),
        j.getString("target_schema"),
        j.getString("target_table"),
        j.getString("staging_table"),
        j.getString("geometry_column"),
        j.getString("geometry_type"),
        j.getInteger("srid"),
        j.getInteger("coord_dimension"),
        cols,
        j.getLong("feature_count"),
        j.getLong("dropped_null_geometries"),
        chunkList,
        j.getBoolean("overwrite", false),
        j.getBoolean("arcgis_mode", false),
        j.getJsonArray("indexes", new JsonArray()),
        j.getString("collection_id"),
        j.getString("item_id"));
  }
}
