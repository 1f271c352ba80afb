package io.geomachine.core.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * For {@code @QuarkusTest}: a fresh database (name from the {@code database} init argument, default
 * {@code geomachine_test}) on the real local PostgreSQL with the app schema deployed, and the
 * service's datasource pointed at it.
 */
public class TestDatabaseResource implements QuarkusTestResourceLifecycleManager {
  private String database = "geomachine_test";

  @Override
  public void init(Map<String, String> initArgs) {
    database = initArgs.getOrDefault("database", database);
  }

  @Override
  public Map<String, String> start() {
    TestDatabase.recreate(database).close();
    return Map.of(
        "quarkus.datasource.reactive.url", TestServices.reactiveUrl(database),
        "quarkus.datasource.username", TestServices.pgUser(),
        "quarkus.datasource.password", TestServices.pgPassword());
  }

  @Override
  public void stop() {
    // The database is kept for post-mortem inspection; the next run recreates it.
  }
}
