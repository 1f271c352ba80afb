package io.geomachine.core.engine;

import io.geomachine.core.engine.DeadLetterOffice.Action;
import io.geomachine.core.repository.ClaimedTask;
import io.geomachine.core.repository.DeadLetterRepository.NewDeadLetter;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Fails the task or job a dead-lettered message names, in the caller's transaction: the broker's
 * poison messages (the dead-letter office) and messages no consumer could read (the intake). A task
 * wins over its job; work that has ended, or a task running under a worker's lease, is left alone.
 */
final class NamedWorkFailing {
  private static final String OFFICE_WORKER = DeadLetterOffice.OFFICE_WORKER;

  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;

  NamedWorkFailing(JobRepository jobs, TaskRepository tasks, OutboxRepository outbox) {
    this.jobs = jobs;
    this.tasks = tasks;
    this.outbox = outbox;
  }

  Uni<Action> settle(SqlClient c, NewDeadLetter record, String error) {
    if (record.taskId() != null) {
      return failTask(c, record.taskId(), error);
    }
    if (record.jobId() != null) {
      return failJob(c, record.jobId(), error);
    }
    return Uni.createFrom().item(Action.NOTHING_NAMED);
  }

  /**
   * An open task is claimed for the office (queued or retrying, or a retry that is due) and failed
   * through the completion function in the same transaction; the claim is what makes it
   * "processing", the only status the function completes.
   */
  private Uni<Action> failTask(SqlClient c, String taskId, String error) {
    return claim(c, taskId)
        .chain(
            claimed ->
                claimed == null
                    ? Uni.createFrom().item(Action.TASK_NOT_OPEN)
                    : TaskFailing.fail(
                            c,
                            tasks,
                            outbox,
                            claimed.taskId(),
                            claimed.jobId(),
                            claimed.stage(),
                            error)
                        .map(
                            completion ->
                                completion.taskUpdated()
                                    ? Action.TASK_FAILED
                                    : Action.TASK_NOT_OPEN));
  }

  private Uni<ClaimedTask> claim(SqlClient c, String taskId) {
    return tasks
        .claim(c, taskId, OFFICE_WORKER, 60)
        .chain(
            claimed ->
                claimed != null
                    ? Uni.createFrom().item(claimed)
                    : tasks
                        .startDueRetry(c, taskId)
                        .chain(
                            started ->
                                Boolean.TRUE.equals(started)
                                    ? tasks.claim(c, taskId, OFFICE_WORKER, 60)
                                    : Uni.createFrom().nullItem()));
  }

  private Uni<Action> failJob(SqlClient c, String jobId, String error) {
    return JobFailing.failOpen(c, jobs, tasks, jobId, error, false)
        .map(failed -> failed.job() == null ? Action.JOB_NOT_OPEN : Action.JOB_FAILED);
  }
}
