package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.messaging.DeadLetter;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.MessageFormatException;
import io.geomachine.core.repository.DeadLetterRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
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
  private final NamedWorkFailing named;

  public MessageIntake(
      Pool pool,
      JobRepository jobs,
      TaskRepository tasks,
      OutboxRepository outbox,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.outbox = outbox;
    this.afterCommitWithMessages = afterCommitWithMessages;
    this.named = new NamedWorkFailing(jobs, tasks, outbox);
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
    deadLetterAndFailNamed(source, payload, reason);
    return null;
  }

  /**
   * Dead-letters a message (for example one that names an unknown task type): the envelope goes to
   * the dead-letter queue through the outbox and the message is recorded in {@code
   * app.dead_letters} (with the job and task it names, when it names them), in one transaction.
   * Blocking.
   */
  public void deadLetter(String source, Object payload, String reason) {
    record(source, payload, reason, false);
  }

  /**
   * Dead-letters a message that could not be read and, in the same transaction, fails the task or
   * job it still names (best effort: the fields of a JSON object, or ids recognizable in the raw
   * text), with {@code UNREADABLE_MESSAGE}, so its stage and job end instead of waiting for a
   * message nobody will ever process. Blocking.
   */
  public DeadLetterOffice.Action deadLetterAndFailNamed(
      String source, Object payload, String reason) {
    return record(source, payload, reason, true);
  }

  private DeadLetterOffice.Action record(
      String source, Object payload, String reason, boolean failNamed) {
    LOG.errorf("dead-lettering a message from %s: %s", source, reason);
    DeadLetterRepository.NewDeadLetter record =
        DeadLetterRepository.NewDeadLetter.of(source, text(payload), reason);
    String error = ErrorCode.UNREADABLE_MESSAGE.describe(reason + " (from " + source + ")");
    DeadLetterOffice.Action action =
        pool.withTransaction(
                c ->
                    outbox
                        .enqueue(
                            c,
                            Destination.DEAD_LETTERS,
                            DeadLetter.of(source, record.payload(), record.reason()))
                        .chain(() -> deadLetters.insert(c, record))
                        .chain(
                            () ->
                                failNamed
                                    ? named.settle(c, record, error)
                                    : Uni.createFrom().item(DeadLetterOffice.Action.NOTHING_NAMED)))
            .await()
            .atMost(Duration.ofSeconds(30));
    if (failNamed && action != DeadLetterOffice.Action.NOTHING_NAMED) {
      LOG.warnf(
          "unreadable message from %s named job %s, task %s: %s",
          source, record.jobId(), record.taskId(), action);
    }
    afterCommitWithMessages.run();
    return action;
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
