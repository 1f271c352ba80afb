package io.geomachine.core.admin;

import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The database the administration works on, as both the reactive client and the PostgreSQL tools
 * ({@code pg_dump}, {@code pg_restore}, {@code psql}, {@code pypgstac}) need it. The tools get it
 * through the libpq environment ({@code PGHOST}, ...), never on the command line, so the password
 * does not show in process listings.
 *
 * @param sslMode a libpq sslmode ({@code disable}, {@code prefer}, {@code require}, ...); null for
 *     the client default
 */
public record DbTarget(
    String host, int port, String database, String user, String password, String sslMode) {

  /** From the libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE). */
  public static DbTarget fromEnv(Map<String, String> env) {
    return new DbTarget(
        value(env, "PGHOST", "127.0.0.1"),
        Integer.parseInt(value(env, "PGPORT", "5432")),
        value(env, "PGDATABASE", "geomachine"),
        value(env, "PGUSER", "postgres"),
        value(env, "PGPASSWORD", "postgres"),
        value(env, "PGSSLMODE", null));
  }

  /** From a reactive datasource URL ({@code postgresql://host:port/db}) and credentials. */
  public static DbTarget fromUri(String url, String user, String password) {
    PgConnectOptions o = PgConnectOptions.fromUri(url);
    String ssl = o.getSslMode() == null ? null : o.getSslMode().name().toLowerCase();
    return new DbTarget(
        o.getHost(),
        o.getPort(),
        o.getDatabase(),
        user != null ? user : o.getUser(),
        password != null ? password : o.getPassword(),
        "disable".equals(ssl) ? null : ssl);
  }

  public DbTarget withDatabase(String other) {
    return new DbTarget(host, port, other, user, password, sslMode);
  }

  public PgConnectOptions connectOptions() {
    PgConnectOptions o =
        new PgConnectOptions()
            .setHost(host)
            .setPort(port)
            .setDatabase(database)
            .setUser(user)
            .setPassword(password);
    if (sslMode != null && !sslMode.isBlank()) {
      o.setSslMode(SslMode.of(sslMode));
    }
    return o;
  }

  /** The libpq environment for the PostgreSQL tools and pypgstac. */
  public Map<String, String> libpqEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", String.valueOf(port));
    env.put("PGDATABASE", database);
    env.put("PGUSER", user);
    env.put("PGPASSWORD", password == null ? "" : password);
    env.put("PGAPPNAME", "geomachine-dbadmin");
    env.put("PGCONNECT_TIMEOUT", "15");
    if (sslMode != null && !sslMode.isBlank()) {
      env.put("PGSSLMODE", sslMode);
    }
    return env;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }

  private static String value(Map<String, String> env, String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
