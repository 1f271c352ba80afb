package io.geomachine.core.admin;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The database lock that keeps two administration operations from running at once, across every
 * gateway replica and operator command: a session-level advisory lock held, on one dedicated
 * connection, for the whole operation. If the process dies the session ends and PostgreSQL releases
 * the lock, so it can never be left behind. The operation runs its SQL on the same session, which
 * also carries the operation's {@code lock_timeout}.
 */
final class AdminLock implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(AdminLock.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  /** The advisory lock key (two-int form, apart from the janitor's one-bigint keys): "GEOM", 1. */
  static final int KEY_CLASS = 0x47454F4D;

  static final int KEY_OBJECT = 1;

  private final SqlConnection session;

  private AdminLock(SqlConnection session) {
    this.session = session;
  }

  /**
   * Takes the lock or fails at once with OPERATION_IN_PROGRESS naming the session that holds it.
   */
  static AdminLock acquire(Pool pool, AdminOperation operation, Duration lockTimeout) {
    SqlConnection conn =
        pool.getConnection()
            .onFailure()
            .transform(io.geomachine.core.repository.DbErrors::translate)
            .await()
            .atMost(TIMEOUT);
    try {
      conn.query("SET application_name = 'geomachine-dbadmin:" + operation.wireName() + "'")
          .execute()
          .await()
          .atMost(TIMEOUT);
      boolean locked =
          conn.preparedQuery("SELECT pg_try_advisory_lock($1, $2) AS locked")
              .execute(Tuple.of(KEY_CLASS, KEY_OBJECT))
              .await()
              .atMost(TIMEOUT)
              .iterator()
              .next()
              .getBoolean("locked");
      if (!locked) {
        Map<String, Object> holder = holder(conn);
        conn.close().await().atMost(TIMEOUT);
        throw new GeoMachineException(
            ErrorCode.OPERATION_IN_PROGRESS,
            "another schema administration operation is running ("
                + holder.getOrDefault("application_name", "unknown")
                + "); try again when it has finished",
            List.of(),
            Map.of("holder", holder, "operation", operation.wireName()),
            null);
      }
      conn.query(
              "SET lock_timeout = '"
                  + lockTimeout.toMillis()
                  + "ms'; SET client_min_messages = warning")
          .execute()
          .await()
          .atMost(TIMEOUT);
      return new AdminLock(conn);
    } catch (RuntimeException e) {
      if (!(e instanceof GeoMachineException)) {
        conn.close().await().atMost(TIMEOUT);
      }
      throw e;
    }
  }

  private static Map<String, Object> holder(SqlConnection conn) {
    RowSet<Row> rs =
        conn.preparedQuery(
                "SELECT a.pid, a.application_name, a.client_addr::text AS client_addr,"
                    + " a.backend_start::text AS since FROM pg_locks l"
                    + " JOIN pg_stat_activity a ON a.pid = l.pid"
                    + " WHERE l.locktype = 'advisory' AND l.granted AND l.classid::bigint = $1"
                    + " AND l.objid::bigint = $2 AND l.objsubid = 2 AND l.database = ("
                    + " SELECT oid FROM pg_database WHERE datname = current_database())")
            .execute(Tuple.of((long) KEY_CLASS, (long) KEY_OBJECT))
            .await()
            .atMost(TIMEOUT);
    Map<String, Object> out = new LinkedHashMap<>();
    for (Row r : rs) {
      out.put("pid", r.getInteger("pid"));
      out.put("application_name", r.getString("application_name"));
      out.put("client_addr", r.getString("client_addr"));
      out.put("since", r.getString("since"));
    }
    return out;
  }

  SqlConnection session() {
    return session;
  }

  @Override
  public void close() {
    try {
      session
          .preparedQuery("SELECT pg_advisory_unlock($1, $2)")
          .execute(Tuple.of(KEY_CLASS, KEY_OBJECT))
          .await()
          .atMost(TIMEOUT);
    } catch (RuntimeException e) {
      LOG.warnf("releasing the schema administration lock failed (%s); closing the session", e);
    } finally {
      session.close().await().atMost(TIMEOUT);
    }
  }
}
