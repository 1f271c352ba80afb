package io.geomachine.janitor;

import io.geomachine.core.engine.DeadLetterOffice;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.amqp.IncomingAmqpMetadata;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletionStage;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Entry point: messages the broker dead-lettered after they crashed their consumer too many times.
 * On Artemis that is one address, {@code DLQ}; on Azure Service Bus every queue has its own
 * sub-queue, {@code <queue>/$DeadLetterQueue}. So four channels feed this one method, one per
 * platform queue ({@code geomachine.queues.broker-dlq}, {@code ...-raster-tasks}, {@code
 * ...-vector-tasks}, {@code ...-dead-letters}); locally all four read {@code DLQ} as competing
 * consumers, on Service Bus each reads its queue's sub-queue (docs/reliability.md). Each is handed
 * to the {@link DeadLetterOffice}, which records it in {@code app.dead_letters} and fails the task
 * or job it names; the message is acknowledged once that transaction committed, and redelivered if
 * it failed (the database unreachable, say).
 */
@ApplicationScoped
public class BrokerDlqConsumer {
  static final String CHANNEL = "broker-dlq";

  /** The suffix of a Service Bus queue's dead-letter sub-queue. */
  static final String SERVICE_BUS_DLQ = "/$DeadLetterQueue";

  private static final Logger LOG = Logger.getLogger(BrokerDlqConsumer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** Where Artemis says a dead-lettered AMQP message came from (message annotations). */
  private static final Symbol ORIGINAL_ADDRESS = Symbol.valueOf("x-opt-ORIG-ADDRESS");

  @Inject DeadLetterOffice office;
  @Inject MeterRegistry metrics;

  @Incoming(CHANNEL)
  @Incoming("broker-dlq-raster-tasks")
  @Incoming("broker-dlq-vector-tasks")
  @Incoming("broker-dlq-dead-letters")
  @Blocking
  public CompletionStage<Void> onMessage(Message<Object> message) {
    String origin =
        message.getMetadata(IncomingAmqpMetadata.class).map(BrokerDlqConsumer::origin).orElse(null);
    try {
      DeadLetterOffice.PoisonReport report =
          office.recordPoison(message.getPayload(), origin).await().atMost(TIMEOUT);
      metrics
          .counter(
              "geomachine.dead_letters.broker_dlq",
              "action",
              report.action().name().toLowerCase(Locale.ROOT))
          .increment();
      return message.ack();
    } catch (RuntimeException e) {
      LOG.warnf("could not record a message from the broker's DLQ; it is redelivered: %s", e);
      return message.nack(e);
    }
  }

  /**
   * Where the message was dead-lettered from: Artemis says so in an annotation; on Service Bus the
   * sub-queue read names its queue.
   */
  static String origin(IncomingAmqpMetadata metadata) {
    String annotated = originalAddress(metadata.getMessageAnnotations());
    if (annotated != null) {
      return annotated;
    }
    String address = metadata.getAddress();
    return address != null && address.endsWith(SERVICE_BUS_DLQ)
        ? address.substring(0, address.length() - SERVICE_BUS_DLQ.length())
        : null;
  }

  private static String originalAddress(MessageAnnotations annotations) {
    if (annotations == null || annotations.getValue() == null) {
      return null;
    }
    Object address = annotations.getValue().get(ORIGINAL_ADDRESS);
    return address == null ? null : address.toString();
  }
}
