package io.geomachine.worker.vector;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Loads chunk files into a staging table over JDBC with COPY FROM STDIN. The staging table is
 * created once per job, race-free across parallel loads (a transaction-scoped advisory lock, then
 * "create if missing"); each chunk is loaded in ONE transaction that first deletes its own batch,
 * so a re-run or a redelivered message never leaves two copies of a row.
 */
final class StagingLoader {
  /** Serialises staging-table creation (and the shared trigger function) across all jobs. */
  private static final long CREATE_LOCK = 0x67656f5f73746167L; // "geo_stag"

  private static final int BLOCK = 1 << 20;

  /** How long a COPY connection stays open without a chunk to load. */
  static final Duration CONNECTION_MAX_IDLE = Duration.ofSeconds(30);

  private final CopyConnections connections;

  /** Turns to COPY: PostgreSQL loads one table fastest with about one COPY per core. */
  private final Semaphore copies;

  /**
   * @param sslMode the JDBC {@code sslmode} when the URL names none: the reactive datasource's own
   *     setting, so COPY is encrypted exactly when every other connection is (pgjdbc's default,
   *     "prefer", would encrypt on loopback too, where it cost ~10% of a load's CPU)
   * @param concurrentCopies how many {@link #load} transactions run at once; more wait
   */
  StagingLoader(String url, String user, String password, String sslMode, int concurrentCopies) {
    this(url, user, password, sslMode, concurrentCopies, CONNECTION_MAX_IDLE);
  }

  StagingLoader(
      String url,
      String user,
      String password,
      String sslMode,
      int concurrentCopies,
      Duration connectionMaxIdle) {
    this.copies = new Semaphore(concurrentCopies, true);
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    if (!url.contains("sslmode=")) {
      properties.setProperty("sslmode", sslMode);
    }
    this.connections = new CopyConnections(url, properties, concurrentCopies, connectionMaxIdle);
  }

  /** A connection as the loads use it (in a transaction, time zone UTC); the caller closes it. */
  Connection connect() throws SQLException {
    return connections.take();
  }

  /**
   * Creates the staging table when missing; true when this call created it. A table that exists
   * already costs one lookup and no lock (it was created with its register and trigger function, in
   * one transaction).
   */
  boolean ensureStaging(Connection c, GeoTableBuilder table) throws SQLException {
    if (exists(c, "to_regclass(?)", table.staging())) {
      return false;
    }
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_advisory_xact_lock(" + CREATE_LOCK + ")");
      s.execute("CREATE SCHEMA IF NOT EXISTS " + VectorTableSpec.STAGING_SCHEMA);
      s.execute(LoadedBatches.CREATE);
      if (!exists(c, "to_regprocedure(?)", GeoTableBuilder.UPDATED_AT_FUNCTION)) {
        s.execute(GeoTableBuilder.updatedAtFunction());
      }
      if (exists(c, "to_regclass(?)", table.staging())) {
        c.commit();
        return false;
      }
      for (String ddl : table.createStaging()) {
        s.execute(ddl);
      }
      c.commit();
      return true;
    } catch (SQLException e) {
      c.rollback();
      throw e;
    }
  }

  private static boolean exists(Connection c, String lookup, String name) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT " + lookup + " IS NOT NULL")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /** The outcome of one chunk's transaction. */
  record Loaded(long deleted, long rows) {}

  /**
   * Loads a chunk when its turn comes: creates the staging table when missing, then, in one
   * transaction, deletes the rows of the chunk's batch and COPYs the chunk in as it is (in its
   * format); the batch id comes from the staging column's default (the transaction's {@link
   * GeoTableBuilder#BATCH_SETTING}). A connection is taken only with the turn, so the worker holds
   * at most as many as it runs COPYs, and reuses them from chunk to chunk.
   */
  Loaded load(GeoTableBuilder table, VectorTableSpec.Chunk chunk, InputStream in)
      throws SQLException, IOException, InterruptedException, TaskFailure {
    copies.acquire();
    try {
      Connection c = connections.take();
      boolean clean = false;
      try {
        ensureStaging(c, table);
        Loaded loaded = loadChunkInTurn(c, table, chunk.batchId(), chunk.format(), in);
        clean = true;
        return loaded;
      } finally {
        if (clean) {
          connections.giveBack(c);
        } else {
          connections.discard(c);
        }
      }
    } finally {
      copies.release();
    }
  }

  private Loaded loadChunkInTurn(
      Connection c,
      GeoTableBuilder table,
      String batchId,
      VectorManifest.ChunkFormat format,
      InputStream in)
      throws SQLException, IOException, InterruptedException, TaskFailure {
    CopyIn copy = null;
    try {
      // Two runs of the same chunk at once (a lease lost mid-run) queue here, so the second one
      // deletes what the first committed instead of adding a second copy. The batch id becomes
      // this transaction's setting, which the staging column's default reads for every row.
      try (PreparedStatement lock =
          c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?)), set_config(?, ?, true)")) {
        lock.setString(1, "geo_staging.batch:" + batchId);
        lock.setString(2, GeoTableBuilder.BATCH_SETTING);
        lock.setString(3, batchId);
        lock.executeQuery().close();
      }
      // Only a batch an earlier attempt committed has rows to delete: the register says so, so
      // a first load (nearly always) skips the scan, and the staging table needs no batch index.
      boolean loadedBefore;
      try (PreparedStatement forget = c.prepareStatement(LoadedBatches.FORGET)) {
        forget.setString(1, table.stagingName());
        forget.setString(2, batchId);
        loadedBefore = forget.executeUpdate() > 0;
      }
      long deleted = 0;
      if (loadedBefore) {
        try (PreparedStatement del =
            c.prepareStatement("DELETE FROM " + table.staging() + " WHERE \"etl_batch_id\" = ?")) {
          del.setString(1, batchId);
          deleted = del.executeUpdate();
        }
      }
      copy = c.unwrap(PGConnection.class).getCopyAPI().copyIn(table.copyStatement(format));
      stream(in, copy);
      long copied = copy.endCopy();
      copy = null;
      try (PreparedStatement remember = c.prepareStatement(LoadedBatches.REMEMBER)) {
        remember.setString(1, table.stagingName());
        remember.setString(2, batchId);
        remember.setLong(3, copied);
        remember.executeUpdate();
      }
      c.commit();
      return new Loaded(deleted, copied);
    } catch (SQLException | IOException | InterruptedException | RuntimeException e) {
      if (copy != null && copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException ignored) {
          // the connection is closed next; the transaction is rolled back with it
        }
      }
      c.rollback();
      throw e;
    }
  }

  /**
   * The chunk's bytes into the COPY as they are: a chunk is COPY data already (binary tuples, or
   * text with one row per line and canonical escapes), and the standard columns are defaults. Stops
   * with an InterruptedException when the thread is interrupted (the job was cancelled).
   */
  private static void stream(InputStream in, CopyIn copy)
      throws IOException, SQLException, InterruptedException {
    byte[] buf = new byte[BLOCK];
    int n;
    while ((n = in.read(buf)) >= 0) {
      if (Thread.interrupted()) {
        throw new InterruptedException("chunk load cancelled");
      }
      if (n > 0) {
        copy.writeToCopy(buf, 0, n);
      }
    }
  }
}
