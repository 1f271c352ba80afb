package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.ValidatedParameters;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.EnumSet;
import java.util.Set;

/**
 * Submitting jobs and re-running failed ones. A job is inserted together with its start message
 * (outbox), so it is never accepted without being started, and never started twice.
 */
public final class JobSubmission {
  /** Statuses from which a job may be re-run on purpose. */
  public static final Set<JobStatus> RERUNNABLE =
      EnumSet.of(JobStatus.FAILED, JobStatus.COMPLETED_WITH_ERRORS, JobStatus.CANCELLED);

  /** The job, and whether this submission created it (false: it existed already). */
  public record Submission(Job job, boolean created) {}

  private final Pool pool;
  private final JobRegistry registry;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final Runnable afterCommitWithMessages;

  public JobSubmission(
      Pool pool,
      JobRegistry registry,
      JobRepository jobs,
      TaskRepository tasks,
      OutboxRepository outbox,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.registry = registry;
    this.jobs = jobs;
    this.tasks = tasks;
    this.outbox = outbox;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  /**
   * Validates and submits; throws UNKNOWN_JOB_TYPE or INVALID_PARAMETERS before touching the DB.
   */
  public Uni<Submission> submit(String jobTypeOrAlias, JsonObject rawParameters) {
    JobDefinition def = registry.require(jobTypeOrAlias);
    ValidatedParameters params = def.parameters().validate(rawParameters);
    String jobId = JobIds.derive(def.jobType(), params.identifying());
    JobRepository.NewJob row =
        new JobRepository.NewJob(jobId, def.jobType(), params.all(), def.stages().size());
    return pool.withTransaction(
            c ->
                jobs.insertIfAbsent(c, row)
                    .chain(
                        created ->
                            (created
                                    ? outbox.enqueue(
                                        c, Destination.JOBS, JobMessage.startJob(jobId).toJson())
                                    : Uni.createFrom().voidItem())
                                .chain(() -> jobs.find(c, jobId))
                                .map(job -> new Submission(job, created))))
        .invoke(
            s -> {
              if (s.created()) {
                afterCommitWithMessages.run();
              }
            });
  }

  /**
   * Runs a failed, partly failed or cancelled job again from stage 1 with its stored parameters:
   * its tasks are deleted and it is queued and started anew, under the same id.
   */
  public Uni<Job> rerun(String jobId) {
    return pool.withTransaction(
            c ->
                jobs.resetForRerun(c, jobId, RERUNNABLE)
                    .chain(
                        job -> {
                          if (job == null) {
                            return jobs.find(c, jobId)
                                .map(existing -> refuseRerun(jobId, existing));
                          }
                          return tasks
                              .deleteForJob(c, jobId)
                              .chain(
                                  () ->
                                      outbox.enqueue(
                                          c, Destination.JOBS, JobMessage.startJob(jobId).toJson()))
                              .replaceWith(job);
                        }))
        .invoke(afterCommitWithMessages);
  }

  /**
   * Cancels a queued or running job: its tasks that have not started are cancelled now, and running
   * ones stop at their next heartbeat.
   */
  public Uni<Job> cancel(String jobId) {
    return pool.withTransaction(
        c ->
            jobs.cancel(c, jobId)
                .chain(
                    job -> {
                      if (job == null) {
                        return jobs.find(c, jobId).map(existing -> refuseCancel(jobId, existing));
                      }
                      return tasks.cancelNotStarted(c, jobId).replaceWith(job);
                    }));
  }

  private static Job refuseCancel(String jobId, Job existing) {
    if (existing == null) {
      throw new GeoMachineException(ErrorCode.JOB_NOT_FOUND, "no job with id '" + jobId + "'");
    }
    throw new GeoMachineException(
        ErrorCode.INVALID_STATE,
        "job "
            + jobId
            + " is "
            + existing.status().sqlValue()
            + "; only queued or processing jobs can be cancelled");
  }

  private static Job refuseRerun(String jobId, Job existing) {
    if (existing == null) {
      throw new GeoMachineException(ErrorCode.JOB_NOT_FOUND, "no job with id '" + jobId + "'");
    }
    throw new GeoMachineException(
        ErrorCode.INVALID_STATE,
        "job "
            + existing.jobId()
            + " is "
            + existing.status().sqlValue()
            + "; only failed, completed_with_errors or cancelled jobs can be re-run");
  }
}
