package io.geomachine.janitor;

import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Sends a message straight to the broker's dead-letter address (test channel {@code test-dlq}). */
@ApplicationScoped
public class TestDlqSender {
  @Channel("test-dlq")
  MutinyEmitter<String> dlq;

  void send(String body) {
    dlq.sendAndAwait(body);
  }
}
