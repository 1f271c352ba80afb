package io.geomachine.worker.raster;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestServices;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** A fresh test database with the app and pgstac schemas (a full deploy), for raster job tests. */
public class PgstacDatabaseResource implements QuarkusTestResourceLifecycleManager {
  static final String DATABASE = "geomachine_test_worker_raster_jobs";

  @Override
  public Map<String, String> start() {
    try (TestDatabase db = TestDatabase.recreate(DATABASE)) {
      if (!AdminTestSupport.admin(db).deploy().succeeded()) {
        throw new IllegalStateException("pgstac deploy failed for " + DATABASE);
      }
    }
    return Map.of(
        "quarkus.datasource.reactive.url", TestServices.reactiveUrl(DATABASE),
        "quarkus.datasource.username", TestServices.pgUser(),
        "quarkus.datasource.password", TestServices.pgPassword());
  }

  @Override
  public void stop() {
    // kept for post-mortem inspection; the next run recreates it
  }
}
