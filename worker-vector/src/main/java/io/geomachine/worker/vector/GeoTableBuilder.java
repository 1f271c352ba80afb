package io.geomachine.worker.vector;

import static io.geomachine.core.schema.SqlText.ident;
import static io.geomachine.core.schema.SqlText.literal;
import static io.geomachine.core.schema.SqlText.qualified;

import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.job.vector.VectorManifest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The DDL of a geo table (seed 001's GeoTableBuilder): the standard columns, then the geometry
 * ({@code geom}, or {@code shape} in ArcGIS mode) typed with its PostGIS type and SRID 4326, then
 * the attributes; an {@code updated_at} trigger; the standard and user indexes. Every identifier
 * comes from a validated {@link VectorTableSpec} and is quoted by {@code SqlText}.
 */
final class GeoTableBuilder {
  static final String UPDATED_AT_FUNCTION = "geo.set_updated_at()";

  /**
   * The lineage columns whose value is the same for the whole job: while staged they are column
   * DEFAULTs (so COPY does not send and parse ~200 bytes of constants per row), dropped when the
   * table is published.
   */
  static final List<String> JOB_CONSTANT_COLUMNS =
      List.of(
          "source_file",
          "source_format",
          "source_crs",
          "stac_item_id",
          "stac_collection_id",
          "etl_job_id");

  /**
   * The one per-chunk constant: while staged its DEFAULT is the transaction's {@link
   * #BATCH_SETTING}, which each chunk's load sets, so COPY streams the chunk's bytes as they are.
   * Without the setting the default raises an error instead of writing a row without a batch.
   */
  static final String BATCH_COLUMN = "etl_batch_id";

  /** The custom setting that carries the batch id of the chunk being loaded. */
  static final String BATCH_SETTING = "geomachine.etl_batch_id";

  /**
   * An index: its name while staged, the name it gets once published, its access method and DDL.
   */
  record IndexDef(String stagingName, String publishedName, String method, String createSql) {}

  private final VectorTableSpec spec;

  GeoTableBuilder(VectorTableSpec spec) {
    this.spec = spec;
  }

  /** The staging table's name within geo_staging. */
  String stagingName() {
    return spec.stagingTable();
  }

  String staging() {
    return qualified(VectorStagingRepository.SCHEMA, spec.stagingTable());
  }

  /** The trigger function geo tables share (created once, when missing). */
  static String updatedAtFunction() {
    return "CREATE OR REPLACE FUNCTION "
        + UPDATED_AT_FUNCTION
        + " RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.updated_at := now(); RETURN NEW;"
        + " END $$";
  }

  /** The staging table (job constants as defaults), its owner comment and updated_at trigger. */
  List<String> createStaging() {
    StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(staging()).append(" (");
    // The primary key's index is built at publish with the others (one sort instead of an index
    // insert per loaded row, which makes COPY ~30% slower) and becomes the key at the swap.
    // Each COPY takes ids 1,000 at a time: with the default of one, parallel COPYs queue on the
    // sequence for every row (1M points in two COPYs at once: 1.20-1.29 s, with 1,000: 1.00-1.02
    // s). Ids then come in blocks per chunk, unique with gaps; publish sets the cache back to 1.
    ddl.append(ident("objectid"))
        .append(" BIGINT GENERATED ALWAYS AS IDENTITY (CACHE ")
        .append(LOAD_ID_CACHE)
        .append("), ");
    ddl.append(ident("created_at")).append(" TIMESTAMPTZ NOT NULL DEFAULT now(), ");
    ddl.append(ident("updated_at")).append(" TIMESTAMPTZ NOT NULL DEFAULT now(), ");
    ddl.append(ident("source_file"))
        .append(" TEXT DEFAULT ")
        .append(literalOrNull(spec.sourceFile()))
        .append(", ");
    ddl.append(ident("source_format"))
        .append(" VARCHAR(50) DEFAULT ")
        .append(literalOrNull(spec.sourceFormat()))
        .append(", ");
    ddl.append(ident("source_crs"))
        .append(" TEXT DEFAULT ")
        .append(literalOrNull(spec.sourceCrs()))
        .append(", ");
    ddl.append(ident("stac_item_id"))
        .append(" VARCHAR(255) DEFAULT ")
        .append(literalOrNull(spec.stacItem()))
        .append(", ");
    ddl.append(ident("stac_collection_id"))
        .append(" VARCHAR(255) DEFAULT ")
        .append(literalOrNull(spec.stacCollection()))
        .append(", ");
    ddl.append(ident("etl_job_id"))
        .append(" VARCHAR(64) DEFAULT ")
        .append(literalOrNull(spec.jobId()))
        .append(", ");
    ddl.append(ident(BATCH_COLUMN))
        .append(" VARCHAR(100) DEFAULT current_setting(")
        .append(literal(BATCH_SETTING))
        .append("), ");
    ddl.append(ident(spec.geometryColumn()))
        .append(" geometry(")
        .append(spec.geometryType())
        .append(",")
        .append(spec.srid())
        .append(")");
    for (VectorTableSpec.Column c : spec.columns()) {
      ddl.append(", ").append(ident(c.name())).append(' ').append(c.pgType());
    }
    ddl.append(")");
    List<String> out = new ArrayList<>();
    out.add(ddl.toString());
    out.add(
        "COMMENT ON TABLE "
            + staging()
            + " IS "
            + literal(VectorStagingRepository.jobComment(spec.jobId())));
    out.add(
        "CREATE TRIGGER "
            + ident("trg_set_updated_at")
            + " BEFORE UPDATE ON "
            + staging()
            + " FOR EACH ROW EXECUTE FUNCTION "
            + UPDATED_AT_FUNCTION);
    return out;
  }

  /** COPY of one chunk: geometry and attributes as in the chunk file; the rest are defaults. */
  String copyStatement(VectorManifest.ChunkFormat format) {
    List<String> cols = new ArrayList<>();
    cols.add(ident(spec.geometryColumn()));
    spec.columns().forEach(c -> cols.add(ident(c.name())));
    return "COPY "
        + staging()
        + " ("
        + String.join(", ", cols)
        + ") FROM STDIN"
        + (format == VectorManifest.ChunkFormat.BINARY ? " (FORMAT binary)" : "");
  }

  /** How many ids each loading session takes from the staging table's identity at a time. */
  static final int LOAD_ID_CACHE = 1000;

  /**
   * Run when the table is published: its lineage values are data now, not defaults, and the
   * identity hands out ids one at a time again.
   */
  static String settleForPublication(String qualifiedTable) {
    List<String> columns = new ArrayList<>(JOB_CONSTANT_COLUMNS);
    columns.add(BATCH_COLUMN);
    List<String> changes =
        new ArrayList<>(
            columns.stream().map(c -> "ALTER COLUMN " + ident(c) + " DROP DEFAULT").toList());
    changes.add("ALTER COLUMN " + ident("objectid") + " SET CACHE 1");
    return "ALTER TABLE " + qualifiedTable + " " + String.join(", ", changes);
  }

  private static String literalOrNull(String v) {
    return v == null ? "NULL" : literal(v);
  }

  /**
   * The unique index on {@code objectid} that becomes the primary key at the swap; published as
   * {@code <table>_pkey}.
   */
  IndexDef primaryKey() {
    String staged = indexName(spec.stagingTable(), "pkey");
    return new IndexDef(
        staged,
        indexName(spec.targetTable(), "pkey"),
        "btree",
        "CREATE UNIQUE INDEX IF NOT EXISTS "
            + ident(staged)
            + " ON "
            + staging()
            + " USING btree ("
            + ident("objectid")
            + ")");
  }

  /**
   * Makes {@code qualifiedTable}'s primary key from the {@link #primaryKey} index (at once: the
   * identity column is NOT NULL already), unless it has one (a table staged by an older version).
   */
  String addPrimaryKey(String qualifiedTable) {
    String index = ident(primaryKey().stagingName());
    return "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = "
        + literal(qualifiedTable)
        + "::regclass AND contype = 'p') THEN ALTER TABLE "
        + qualifiedTable
        + " ADD CONSTRAINT "
        + index
        + " PRIMARY KEY USING INDEX "
        + index
        + "; END IF; END $$";
  }

  /**
   * The standard indexes (GIST on geometry, btree on the lineage columns), the user's, and the
   * primary key's.
   */
  List<IndexDef> indexes() {
    List<IndexDef> out = new ArrayList<>();
    out.add(index(List.of(spec.geometryColumn()), "gist", false));
    for (String c : List.of("stac_item_id", "stac_collection_id", "etl_job_id", "created_at")) {
      out.add(index(List.of(c), "btree", false));
    }
    for (VectorTableSpec.IndexSpec u : spec.indexes()) {
      out.add(index(u.columns(), u.method(), u.unique()));
    }
    out.add(primaryKey());
    return out;
  }

  private IndexDef index(List<String> columns, String method, boolean unique) {
    String suffix = String.join("_", columns) + (method.equals("btree") ? "" : "_" + method);
    String staged = indexName(spec.stagingTable(), suffix);
    String published = indexName("idx_" + spec.targetTable(), suffix);
    List<String> quoted = columns.stream().map(c -> ident(c)).toList();
    String sql =
        "CREATE "
            + (unique ? "UNIQUE " : "")
            + "INDEX IF NOT EXISTS "
            + ident(staged)
            + " ON "
            + staging()
            + " USING "
            + method
            + " ("
            + String.join(", ", quoted)
            + ")";
    return new IndexDef(staged, published, method, sql);
  }

  /**
   * {@code base_suffix}, or when that exceeds 63 bytes a truncation ending in a short hash of the
   * full name, so long names stay distinct.
   */
  static String indexName(String base, String suffix) {
    String full = base + "_" + suffix;
    if (full.length() <= 63) {
      return full;
    }
    return full.substring(0, 54) + "_" + hash(full).substring(0, 8);
  }

  private static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
