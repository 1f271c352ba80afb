package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.JobRepository.JobFilter;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;
import java.util.Map;

/** Reads for the gateway: a job with its progress, job lists, a job's tasks. */
public final class JobQueries {
  /** A job and how many of its tasks are in each status, per stage. */
  public record JobView(Job job, Map<Integer, Map<TaskStatus, Long>> taskCounts) {}

  private final Pool pool;
  private final JobRepository jobs;
  private final TaskRepository tasks;

  public JobQueries(Pool pool, JobRepository jobs, TaskRepository tasks) {
    this.pool = pool;
    this.jobs = jobs;
    this.tasks = tasks;
  }

  public Uni<JobView> status(String jobId) {
    requireWellFormed(jobId);
    return existing(jobId)
        .chain(job -> tasks.statusCounts(pool, jobId).map(counts -> new JobView(job, counts)));
  }

  public Uni<List<Job>> list(JobFilter filter) {
    return jobs.list(pool, filter);
  }

  public Uni<List<Task>> tasks(
      String jobId, Integer stage, TaskStatus status, int limit, int offset) {
    requireWellFormed(jobId);
    return existing(jobId)
        .chain(job -> tasks.listForJob(pool, jobId, stage, status, limit, offset));
  }

  private Uni<Job> existing(String jobId) {
    return jobs.find(pool, jobId)
        .map(
            job -> {
              if (job == null) {
                throw new GeoMachineException(
                    ErrorCode.JOB_NOT_FOUND, "no job with id '" + jobId + "'");
              }
              return job;
            });
  }

  public static void requireWellFormed(String jobId) {
    if (!JobIds.isWellFormed(jobId)) {
      throw new GeoMachineException(
          ErrorCode.MALFORMED_JOB_ID,
          "job_id '" + jobId + "' is malformed: a job id is 64 lower-case hexadecimal characters");
    }
  }
}
