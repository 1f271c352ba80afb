package io.geomachine.gateway.admin;

import io.geomachine.core.admin.AdminTestSupport;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the gateway's schema administration at the real pypgstac and Azurite the tests use, with
 * the tests' own backup container and read-only role.
 */
public class AdminTestResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return Map.of(
        "geomachine.admin.pypgstac",
        AdminTestSupport.pypgstac(),
        "geomachine.admin.backup-container",
        AdminTestSupport.TEST_CONTAINER,
        "geomachine.admin.read-only-role",
        "geomachine_test_reader",
        "geomachine.admin.blob.connection-string",
        AdminTestSupport.blobSettings().connectionString());
  }

  @Override
  public void stop() {
    // nothing to stop: pypgstac and Azurite belong to the platform
  }
}
