package io.geomachine.core.engine;

import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Fails a job that is still queued or processing, on behalf of no message of its own (the
 * dead-letter office, the janitor's stale-job pass): guarded transitions, so a job that has ended
 * meanwhile is left alone.
 */
final class JobFailing {
  private JobFailing() {}

  /** What failing did; {@code job} null when the job was not open. */
  record Failed(Job job, int tasksCancelled) {}

  /**
   * Fails the job if it is queued or processing and cancels its tasks that have not started; with
   * {@code alsoRunning}, running tasks are cancelled too (their workers lose the lease).
   */
  static Uni<Failed> failOpen(
      SqlClient c,
      JobRepository jobs,
      TaskRepository tasks,
      String jobId,
      String error,
      boolean alsoRunning) {
    return jobs.fail(c, jobId, JobStatus.QUEUED, error, null)
        .chain(
            job ->
                job != null
                    ? Uni.createFrom().item(job)
                    : jobs.fail(c, jobId, JobStatus.PROCESSING, error, null))
        .chain(
            job -> {
              if (job == null) {
                return Uni.createFrom().item(new Failed(null, 0));
              }
              Uni<Integer> cancelled =
                  alsoRunning ? tasks.cancelOpen(c, jobId) : tasks.cancelNotStarted(c, jobId);
              return cancelled.map(n -> new Failed(job, n));
            });
  }
}
