package io.geomachine.worker.raster;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Puts messages on the raster task queue this worker consumes, through the test-only outgoing
 * channel {@code test-raster-tasks} (src/test/resources/application.properties).
 */
@ApplicationScoped
public class TaskMessageSender {
  @Channel("test-raster-tasks")
  MutinyEmitter<Object> tasks;

  /** Sends a payload; completes when the broker has it (an outbox relay's sender). */
  public io.smallrye.mutiny.Uni<Void> sendAsync(Object payload) {
    return tasks.send(payload);
  }

  /** Sends a payload (a JsonObject, or anything else to test the intake) and waits for the ack. */
  public void send(Object payload) {
    tasks.send(payload).await().atMost(Duration.ofSeconds(30));
  }
}
