package io.geomachine.e2e;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.storage.BlobStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Blob containers of one e2e run on the local Azurite: bronze (sources), cog, mosaic and temp, all
 * named with a random run id and handed to every service through its storage settings.
 */
record EtlStorage(BlobStore blobs, String bronze, String cog, String mosaic, String temp) {
  static EtlStorage unique() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    EtlStorage s =
        new EtlStorage(
            AdminTestSupport.blobStore(),
            "e2e-" + run + "-bronze",
            "e2e-" + run + "-cogs",
            "e2e-" + run + "-mosaic",
            "e2e-" + run + "-temp");
    s.containers().forEach(s.blobs::ensureContainer);
    return s;
  }

  List<String> containers() {
    return List.of(bronze, cog, mosaic, temp);
  }

  /** The same containers for the workers, the janitor and the gateway (their storage groups). */
  Map<String, String> serviceEnv() {
    Map<String, String> env = new HashMap<>();
    for (String service : List.of("WORKER", "JANITOR", "GATEWAY")) {
      String prefix = "GEOMACHINE_" + service + "_STORAGE_";
      env.put(prefix + "COG_CONTAINER", cog);
      env.put(prefix + "MOSAIC_CONTAINER", mosaic);
      env.put(prefix + "TEMP_CONTAINER", temp);
    }
    return env;
  }

  /** Leaves the (empty) containers; BlobStore has no container deletion and they cost nothing. */
  void deleteBlobs() {
    for (String c : containers()) {
      try {
        blobs.deletePrefix(c, "");
      } catch (RuntimeException e) {
        // best effort: a failed cleanup must not hide the test's own result
      }
    }
  }
}
