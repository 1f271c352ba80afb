package io.geomachine.core.engine;

import io.geomachine.core.messaging.DeadLetter;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.MessageFormatException;
import io.geomachine.core.repository.DeadLetterRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The front door of every consumer: turns an incoming payload into a message contract, or
 * dead-letters it with the reason (logged, and kept on the dead-letter queue) so that a message
 * nobody can read is never silently dropped and never retried forever.
 */
public final class MessageIntake {
  private static final Logger LOG = Logger.getLogger(MessageIntake.class);

  private final Pool pool;
  private final OutboxRepository outbox;
  private final Runnable afterCommitWithMessages;
  private final DeadLetterRepository deadLetters = new DeadLetterRepository();

  public MessageIntake(Pool pool, OutboxRepository outbox, Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.outbox = outbox;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  /** The parsed message, or null when it was dead-lettered. Blocking. */
  public <T> T parseOrDeadLetter(String source, Object payload, Function<JsonObject, T> parser) {
    String reason;
    try {
      return parser.apply(asJson(payload));
    } catch (MessageFormatException e) {
      reason = e.getMessage();
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      reason = "not a JSON object: " + e.getMessage();
    }
    deadLetter(source, payload, reason);
    return null;
  }

  /**
   * Dead-letters a message (for example one that names an unknown task type): the envelope goes to
   * the dead-letter queue through the outbox and the message is recorded in {@code
   * app.dead_letters} (with the job and task it names, when it names them), in one transaction.
   * Blocking.
   */
  public void deadLetter(String source, Object payload, String reason) {
    LOG.errorf("dead-lettering a message from %s: %s", source, reason);
    DeadLetterRepository.NewDeadLetter record =
        DeadLetterRepository.NewDeadLetter.of(source, text(payload), reason);
    pool.withTransaction(
            c ->
                outbox
                    .enqueue(
                        c,
                        Destination.DEAD_LETTERS,
                        DeadLetter.of(source, record.payload(), record.reason()))
                    .chain(() -> deadLetters.insert(c, record)))
        .await()
        .atMost(Duration.ofSeconds(30));
    afterCommitWithMessages.run();
  }

  private static JsonObject asJson(Object payload) {
    if (payload instanceof JsonObject o) {
      return o;
    }
    if (payload instanceof String s) {
      return new JsonObject(s);
    }
    if (payload instanceof byte[] b) {
      return new JsonObject(new String(b, StandardCharsets.UTF_8));
    }
    if (payload instanceof Buffer b) {
      return new JsonObject(b);
    }
    if (payload instanceof io.vertx.mutiny.core.buffer.Buffer b) {
      return new JsonObject(b.getDelegate());
    }
    throw new MessageFormatException(
        "not a JSON object: payload of type "
            + (payload == null ? "null" : payload.getClass().getName()));
  }

  /** The payload as text: UTF-8 bytes decoded, anything else by its string form. */
  static String text(Object payload) {
    if (payload instanceof byte[] b) {
      return new String(b, StandardCharsets.UTF_8);
    }
    return String.valueOf(payload);
  }
}
