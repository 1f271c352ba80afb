package io.geomachine.core.testing;

import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.amqp.AmqpClient;
import io.vertx.mutiny.amqp.AmqpMessage;
import io.vertx.mutiny.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;

/**
 * Reads what the service put on a queue of the embedded broker, with a plain AMQP 1.0 client: takes
 * every message the queue holds right now and returns their JSON bodies (the queue is then empty).
 * For tests that run the embedded broker ({@link EmbeddedArtemisResource}).
 */
public final class QueueReader {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private QueueReader() {}

  /** Removes and returns every message currently on {@code queue}, oldest first. */
  public static List<JsonObject> drain(Vertx vertx, String queue) {
    long count = EmbeddedArtemisResource.messageCount(queue);
    if (count == 0) {
      return List.of();
    }
    AmqpClient client =
        AmqpClient.create(
            vertx,
            new AmqpClientOptions()
                .setHost("127.0.0.1")
                .setPort(EmbeddedArtemisResource.port())
                .setUsername("test")
                .setPassword("test"));
    try {
      return client
          .connectAndAwait()
          .createReceiverAndAwait(queue, new AmqpReceiverOptions().addCapability("queue"))
          .toMulti()
          .select()
          .first(count)
          .map(QueueReader::body)
          .collect()
          .asList()
          .await()
          .atMost(TIMEOUT);
    } finally {
      client.closeAndAwait();
    }
  }

  private static JsonObject body(AmqpMessage message) {
    Section body = message.getDelegate().unwrap().getBody();
    if (body instanceof Data data) {
      Binary b = data.getValue();
      return new JsonObject(
          new String(b.getArray(), b.getArrayOffset(), b.getLength(), StandardCharsets.UTF_8));
    }
    if (body instanceof AmqpValue value && value.getValue() instanceof String text) {
      return new JsonObject(text);
    }
    throw new AssertionError("unexpected AMQP body: " + body);
  }
}
