package io.geomachine.core.engine;

import io.geomachine.core.messaging.TaskMessage;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A worker's front door for one task queue: parse the message (or dead-letter it) and execute it. A
 * task type this worker has no handler for is dead-lettered with the reason and the task is failed
 * ({@code UNKNOWN_TASK_TYPE}), so its stage and job end instead of waiting forever.
 */
public final class TaskConsumer {
  private static final Logger LOG = Logger.getLogger(TaskConsumer.class);
  private static final java.time.Duration OUTAGE_WAIT = java.time.Duration.ofSeconds(30);

  /** What became of one message, for metrics. */
  public record Result(String taskType, String outcome) {}

  private final MessageIntake intake;
  private final TaskExecutor executor;

  public TaskConsumer(MessageIntake intake, TaskExecutor executor) {
    this.intake = intake;
    this.executor = executor;
  }

  /**
   * Handles one broker message: acknowledges it as soon as the task is claimed (or when it is
   * skipped or dead-lettered), and negatively acknowledges it (so the broker redelivers) only when
   * it failed before the claim, e.g. with the database unreachable. After the claim, the lease and
   * the janitor's watchdog own the task's recovery.
   */
  public CompletionStage<Void> handle(
      String queue,
      Object payload,
      Supplier<CompletionStage<Void>> ack,
      Function<Throwable, CompletionStage<Void>> nack,
      Consumer<Result> observer) {
    AtomicReference<CompletionStage<Void>> acked = new AtomicReference<>();
    Runnable ackOnce =
        () -> {
          if (acked.get() == null) {
            acked.set(ack.get());
          }
        };
    try {
      // Before the claim a database outage is waited out here, not turned into redeliveries.
      Result result =
          StoreOutage.retry(
              () -> accept(queue, payload, ackOnce), OUTAGE_WAIT, () -> acked.get() == null);
      observer.accept(result);
      ackOnce.run();
      return acked.get();
    } catch (RuntimeException e) {
      if (acked.get() != null) {
        LOG.errorf(
            e,
            "task message from %s failed after its claim; the lease watchdog recovers it",
            queue);
        return acked.get();
      }
      return nack.apply(e);
    }
  }

  /** As {@link #accept(String, Object, Runnable)} without an early acknowledgement. */
  public Result accept(String queue, Object payload) {
    return accept(queue, payload, () -> {});
  }

  /**
   * Blocking; throws when the database is unreachable, so the broker redelivers. {@code onClaimed}
   * runs as soon as the task is claimed: from then on the lease in the database, not the broker's
   * lock on the message, keeps the task alive.
   */
  public Result accept(String queue, Object payload, Runnable onClaimed) {
    TaskMessage message = intake.parseOrDeadLetter(queue, payload, TaskMessage::fromJson);
    if (message == null) {
      return new Result("unknown", "dead_lettered");
    }
    if (!executor.taskTypes().contains(message.taskType())) {
      intake.deadLetter(
          queue,
          payload,
          "no handler for task type '"
              + message.taskType()
              + "' on this worker (it runs: "
              + String.join(", ", executor.taskTypes())
              + ")");
      executor.execute(message, onClaimed);
      return new Result(message.taskType(), "dead_lettered");
    }
    TaskExecutor.Outcome outcome = executor.execute(message, onClaimed);
    return new Result(message.taskType(), outcome.name().toLowerCase(java.util.Locale.ROOT));
  }
}
