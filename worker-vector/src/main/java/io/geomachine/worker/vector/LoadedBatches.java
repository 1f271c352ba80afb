package io.geomachine.worker.vector;

import static io.geomachine.core.schema.SqlText.literal;

import io.geomachine.core.geo.VectorStagingRepository;

/**
 * The SQL of {@code geo_staging.loaded_batches}, the staging tables' register: which chunk batches
 * a committed load wrote and how many rows (written in the chunk's COPY transaction, so exact; a
 * first load needs no DELETE scan and the sum needs no count of the table), and the publish's
 * geometry repair counts (batch ids starting with {@link #REPAIR_PREFIX}). Statements with {@code
 * ?} are for the loader's JDBC connection, those with {@code $n} for the reactive pool.
 */
final class LoadedBatches {
  static final String TABLE = VectorStagingRepository.SCHEMA + ".loaded_batches";

  /** The batch ids of repair counts; no load batch ({@code job_id:index}) starts with '#'. */
  static final String REPAIR_PREFIX = "#repaired:";

  static final String CREATE =
      "CREATE TABLE IF NOT EXISTS "
          + TABLE
          + " (staging_table TEXT NOT NULL, batch_id TEXT NOT NULL, rows BIGINT NOT NULL,"
          + " loaded_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (staging_table, batch_id))";

  /** JDBC (staging table, batch id): forgets a batch; a row deleted means it was loaded before. */
  static final String FORGET = "DELETE FROM " + TABLE + " WHERE staging_table = ? AND batch_id = ?";

  /** JDBC (staging table, batch id, rows): remembers a batch, in its COPY's transaction. */
  static final String REMEMBER =
      "INSERT INTO " + TABLE + " (staging_table, batch_id, rows) VALUES (?, ?, ?)";

  /** ($1 staging table, $2 {@link #REPAIR_PREFIX}) → n: the rows all committed loads wrote. */
  static final String LOADED_ROWS =
      "SELECT coalesce(sum(rows), 0)::bigint AS n FROM "
          + TABLE
          + " WHERE staging_table = $1 AND NOT starts_with(batch_id, $2)";

  /** ($1 staging table, $2 {@link #REPAIR_PREFIX}) → n: the repairs committed so far. */
  static final String REPAIRED =
      "SELECT coalesce(sum(rows), 0)::bigint AS n FROM "
          + TABLE
          + " WHERE staging_table = $1 AND starts_with(batch_id, $2)";

  /** ($1 staging table, $2 repair key, $3 count): adds a range's repairs to its count. */
  static final String ADD_REPAIRS =
      "INSERT INTO "
          + TABLE
          + " AS r (staging_table, batch_id, rows) VALUES ($1, $2, $3)"
          + " ON CONFLICT (staging_table, batch_id) DO UPDATE SET rows = r.rows + EXCLUDED.rows";

  private LoadedBatches() {}

  /** Forgets everything about a staging table (in the publish's swap transaction). */
  static String forgetTable(String stagingTable) {
    return "DELETE FROM " + TABLE + " WHERE staging_table = " + literal(stagingTable);
  }
}
