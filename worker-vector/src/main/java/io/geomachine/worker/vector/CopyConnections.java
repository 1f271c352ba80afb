package io.geomachine.worker.vector;

import io.geomachine.core.concurrent.DaemonThreads;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The loader's JDBC connections, kept open between chunks for a while. Opening one costs a backend
 * process and a SCRAM exchange (4,096 PBKDF2 rounds on each side): with a new connection per chunk,
 * the first COPY of a load stage started 0.1-0.4 s after its task, while every task of the stage
 * opened one at once (docs/benchmarks-vector.md section 12). A connection is only given back after
 * its transaction ended cleanly; one that failed is closed. A connection idle for {@code maxIdle}
 * is closed, so an idle worker holds none.
 */
final class CopyConnections {
  /** Also the connections' application_name: operators see the loads in pg_stat_activity. */
  static final String APPLICATION_NAME = "geomachine-vector-load";

  private static final int VALID_CHECK_SECONDS = 5;

  /** Closes idle connections; a daemon, so it never keeps a JVM alive. */
  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("vector-load-idle-closer"));

  /** One stay in the idle list (compared by identity: each give-back is its own stay). */
  private static final class Idle {
    final Connection connection;

    Idle(Connection connection) {
      this.connection = connection;
    }
  }

  private final String url;
  private final Properties properties;
  private final int keep;
  private final Duration maxIdle;
  private final Deque<Idle> idle = new ArrayDeque<>();

  /**
   * @param keep how many idle connections are kept at most (the loader's concurrent COPYs)
   */
  CopyConnections(String url, Properties properties, int keep, Duration maxIdle) {
    this.url = url;
    this.properties = new Properties();
    this.properties.putAll(properties);
    this.properties.setProperty("ApplicationName", APPLICATION_NAME);
    this.keep = keep;
    this.maxIdle = maxIdle;
  }

  /**
   * An idle connection that still answers (one round trip; a server restart leaves dead ones), or a
   * new one; in a transaction (no auto-commit), the session's time zone UTC.
   */
  Connection take() throws SQLException {
    Idle reuse;
    while ((reuse = poll()) != null) {
      if (reuse.connection.isValid(VALID_CHECK_SECONDS)) {
        return reuse.connection;
      }
      closeQuietly(reuse.connection);
    }
    Connection c = DriverManager.getConnection(url, properties);
    try (Statement s = c.createStatement()) {
      // Source timestamps without an offset are read as UTC, whatever the worker's own zone.
      s.execute("SET TIME ZONE 'UTC'");
      c.setAutoCommit(false);
    } catch (SQLException e) {
      closeQuietly(c);
      throw e;
    }
    return c;
  }

  /**
   * Gives back a connection whose last transaction committed or rolled back cleanly; closes it when
   * enough are kept already.
   */
  void giveBack(Connection c) {
    Idle returned = new Idle(c);
    synchronized (idle) {
      if (idle.size() < keep) {
        idle.push(returned);
        CLOSER.schedule(
            () -> closeIfStillIdle(returned), maxIdle.toMillis(), TimeUnit.MILLISECONDS);
        return;
      }
    }
    closeQuietly(c);
  }

  /** Closes a connection that failed (its session state is unknown). */
  void discard(Connection c) {
    closeQuietly(c);
  }

  private Idle poll() {
    synchronized (idle) {
      return idle.poll();
    }
  }

  private void closeIfStillIdle(Idle returned) {
    boolean removed;
    synchronized (idle) {
      removed = idle.remove(returned);
    }
    if (removed) {
      closeQuietly(returned.connection);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // closing a connection that is gone already
    }
  }
}
