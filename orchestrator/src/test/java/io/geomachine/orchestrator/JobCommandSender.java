package io.geomachine.orchestrator;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;

/**
 * Puts messages on the jobs queue the orchestrator consumes, through the test-only outgoing channel
 * {@code test-jobs} (src/test/resources/application.properties), as the gateway and the workers
 * would.
 */
@ApplicationScoped
public class JobCommandSender {
  @Channel("test-jobs")
  MutinyEmitter<Object> jobs;

  /** Sends a payload (a JsonObject, or anything else to test the intake) and waits for the ack. */
  public void send(Object payload) {
    jobs.send(payload).await().atMost(Duration.ofSeconds(30));
  }
}
