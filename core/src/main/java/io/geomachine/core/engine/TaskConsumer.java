package io.geomachine.core.engine;

import io.geomachine.core.messaging.TaskMessage;

/**
 * A worker's front door for one task queue: parse the message (or dead-letter it) and execute it. A
 * task type this worker has no handler for is dead-lettered with the reason and the task is failed
 * ({@code UNKNOWN_TASK_TYPE}), so its stage and job end instead of waiting forever.
 */
public final class TaskConsumer {
  /** What became of one message, for metrics. */
  public record Result(String taskType, String outcome) {}

  private final MessageIntake intake;
  private final TaskExecutor executor;

  public TaskConsumer(MessageIntake intake, TaskExecutor executor) {
    this.intake = intake;
    this.executor = executor;
  }

  /** Blocking; throws when the database is unreachable, so the broker redelivers. */
  public Result accept(String queue, Object payload) {
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
      executor.execute(message);
      return new Result(message.taskType(), "dead_lettered");
    }
    TaskExecutor.Outcome outcome = executor.execute(message);
    return new Result(message.taskType(), outcome.name().toLowerCase(java.util.Locale.ROOT));
  }
}
