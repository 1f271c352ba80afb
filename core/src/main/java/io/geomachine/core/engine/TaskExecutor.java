package io.geomachine.core.engine;

import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.ClaimedTask;
import io.geomachine.core.repository.TaskRepository.Completion;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * A worker's logic for one task message: claim the task (guarded queued→processing, so a duplicate
 * message never runs the handler twice), run its handler, and complete it through {@code
 * app.complete_task_and_check_stage}; the last task of a stage writes "stage completed" for the
 * orchestrator to the outbox in the same transaction. Completions are group-committed ({@link
 * CompletionBatcher}).
 *
 * <p>Blocking by design: it runs on a worker thread, because handlers call GDAL and storage.
 */
public final class TaskExecutor {
  private static final Logger LOG = Logger.getLogger(TaskExecutor.class);
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(60);

  /** What happened to a task message. */
  public enum Outcome {
    COMPLETED,
    FAILED,
    /** Not claimable: a duplicate message, or a task that is done, cancelled or gone. */
    SKIPPED
  }

  private final Pool pool;
  private final TaskRepository tasks;
  private final Map<String, TaskHandler> handlers = new LinkedHashMap<>();
  private final CompletionBatcher completions;

  public TaskExecutor(
      Pool pool,
      TaskRepository tasks,
      OutboxRepository outbox,
      Collection<? extends TaskHandler> handlers,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.tasks = tasks;
    this.completions = new CompletionBatcher(pool, tasks, outbox, afterCommitWithMessages);
    for (TaskHandler h : handlers) {
      if (this.handlers.put(h.taskType(), h) != null) {
        throw new IllegalArgumentException("two handlers for task type " + h.taskType());
      }
    }
  }

  public Collection<String> taskTypes() {
    return handlers.keySet();
  }

  public Outcome execute(TaskMessage message) {
    ClaimedTask task = tasks.claim(pool, message.taskId()).await().atMost(DB_TIMEOUT);
    if (task == null) {
      LOG.debugf(
          "task %s not claimable (duplicate message or already done); skipped", message.taskId());
      return Outcome.SKIPPED;
    }
    JsonObject result = null;
    String error = null;
    TaskHandler handler = handlers.get(task.taskType());
    if (handler == null) {
      error =
          "UNKNOWN_TASK_TYPE: no handler for task type '"
              + task.taskType()
              + "' on this worker (it runs: "
              + String.join(", ", handlers.keySet())
              + ")";
    } else {
      try {
        result =
            handler.handle(
                new TaskInput(
                    task.taskId(),
                    task.jobId(),
                    task.jobType(),
                    task.stage(),
                    task.taskIndex(),
                    task.parameters()));
        if (result == null) {
          result = new JsonObject();
        }
      } catch (TaskFailure f) {
        error = f.code() + ": " + f.getMessage();
      } catch (Exception e) {
        LOG.errorf(e, "task %s (%s) crashed", task.taskId(), task.taskType());
        error = "HANDLER_ERROR: " + e;
      }
    }
    complete(task, error == null ? result : null, error);
    return error == null ? Outcome.COMPLETED : Outcome.FAILED;
  }

  private void complete(ClaimedTask task, JsonObject result, String error) {
    Completion done =
        completions.complete(
            new TaskRepository.Finished(task.taskId(), task.jobId(), task.stage(), result, error));
    if (!done.taskUpdated()) {
      LOG.warnf("task %s was no longer processing when it finished; result dropped", task.taskId());
    }
  }
}
