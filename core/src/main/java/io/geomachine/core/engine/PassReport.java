package io.geomachine.core.engine;

import io.vertx.core.json.JsonObject;

/**
 * What one janitor pass did: {@code skipped} when another replica held the pass's lock; how many
 * items it looked at and fixed, and the actions it took (also recorded in {@code
 * app.janitor_runs}).
 */
public record PassReport(boolean skipped, int scanned, int fixed, JsonObject actions) {
  static PassReport skippedByAnotherReplica() {
    return new PassReport(true, 0, 0, new JsonObject());
  }

  /** The report as the cleanup API shows it. */
  public JsonObject toJson(String type) {
    return new JsonObject()
        .put("type", type)
        .put("skipped_another_replica_running", skipped)
        .put("items_scanned", scanned)
        .put("items_fixed", fixed)
        .put("actions_taken", actions);
  }
}
