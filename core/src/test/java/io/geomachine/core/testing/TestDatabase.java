package io.geomachine.core.testing;

import io.geomachine.core.schema.SchemaDeployer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A throw-away database on the real local PostgreSQL: {@link #recreate} drops and creates it, with
 * PostGIS, and deploys the {@code app} schema from the model.
 */
public final class TestDatabase implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final Vertx vertx;
  private final Pool pool;
  private final String name;

  private TestDatabase(String name) {
    this.name = name;
    this.vertx = Vertx.vertx();
    this.pool = pool(vertx, name, 8);
  }

  /** Drops and recreates {@code name}, then deploys the app schema into it. */
  public static TestDatabase recreate(String name) {
    return recreate(name, true);
  }

  public static TestDatabase recreate(String name, boolean deployAppSchema) {
    withAdmin(
        admin -> {
          admin
              .query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
              .execute()
              .await()
              .atMost(TIMEOUT);
          admin.query("CREATE DATABASE " + name).execute().await().atMost(TIMEOUT);
        });
    TestDatabase db = new TestDatabase(name);
    db.pool.query("CREATE EXTENSION IF NOT EXISTS postgis").execute().await().atMost(TIMEOUT);
    if (deployAppSchema) {
      new SchemaDeployer().deploy(db.pool).await().atMost(TIMEOUT);
    }
    return db;
  }

  /** A pool on the named database (caller closes it with its Vertx). */
  public static Pool pool(Vertx vertx, String database, int size) {
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(TestServices.pgHost())
            .setPort(TestServices.pgPort())
            .setUser(TestServices.pgUser())
            .setPassword(TestServices.pgPassword())
            .setDatabase(database);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }

  private static void withAdmin(Consumer<Pool> work) {
    Vertx v = Vertx.vertx();
    Pool admin = pool(v, "postgres", 1);
    try {
      work.accept(admin);
    } finally {
      admin.close().await().atMost(TIMEOUT);
      v.close().await().atMost(TIMEOUT);
    }
  }

  public Pool pool() {
    return pool;
  }

  public String name() {
    return name;
  }

  public String reactiveUrl() {
    return TestServices.reactiveUrl(name);
  }

  @Override
  public void close() {
    pool.close().await().atMost(TIMEOUT);
    vertx.close().await().atMost(TIMEOUT);
  }
}
