package io.geomachine.core.engine;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.repository.Finished;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.Completion;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.List;

/**
 * Fails a processing task on behalf of no worker (the janitor's watchdog, the dead-letter office)
 * through the normal completion path: {@code app.complete_task_and_check_stage} with {@code
 * p_worker_id} NULL, and, when that was the last open task of its stage, {@code stage_completed} to
 * the outbox in the same transaction, so the stage still ends exactly once.
 */
final class TaskFailing {
  private TaskFailing() {}

  static Uni<Completion> fail(
      SqlClient c,
      TaskRepository tasks,
      OutboxRepository outbox,
      String taskId,
      String jobId,
      int stage,
      String error) {
    return tasks
        .completeAll(c, List.of(new Finished(taskId, jobId, stage, null, error, null)))
        .map(completions -> completions.get(0))
        .call(
            completion ->
                completion.lastTaskInStage()
                    ? outbox.enqueue(
                        c, Destination.JOBS, JobMessage.stageCompleted(jobId, stage).toJson())
                    : Uni.createFrom().voidItem());
  }
}
