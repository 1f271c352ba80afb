package io.geomachine.worker.vector;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Puts messages on the vector task queue this worker consumes, through the test-only outgoing
 * channel {@code test-vector-tasks} (src/test/resources/application.properties).
 */
@ApplicationScoped
public class TaskMessageSender {
  @Channel("test-vector-tasks")
  MutinyEmitter<Object> tasks;

  /** Sends a payload (a JsonObject, or anything else to test the intake) and waits for the ack. */
  public void send(Object payload) {
    tasks.send(payload).await().atMost(Duration.ofSeconds(30));
  }
}
