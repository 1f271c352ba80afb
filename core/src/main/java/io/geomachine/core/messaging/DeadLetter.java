package io.geomachine.core.messaging;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The envelope of a dead-lettered message: what arrived, where, and why it was refused. */
public final class DeadLetter {
  private DeadLetter() {}

  public static JsonObject of(String sourceQueue, Object original, String reason) {
    return new JsonObject()
        .put("schema_version", 1)
        .put("source", sourceQueue)
        .put("reason", reason)
        .put("dead_lettered_at", Instant.now().toString())
        .put("original", original == null ? null : String.valueOf(original));
  }
}
