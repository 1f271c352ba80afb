package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.JobRepository.StuckJob;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.time.Duration;

/**
 * The janitor's stale-job pass, the last safety net: a job still queued or processing although it
 * was created, and last changed, longer ago than the stale horizon is failed with {@code
 * STALE_JOB}, and all its open tasks, running ones included, are cancelled (a running task's worker
 * loses its lease and its result is dropped). Whatever kept the job open, it ends.
 */
public final class StaleJobs {
  private final Pool pool;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final JanitorRunRepository runs;

  public StaleJobs(Pool pool, JobRepository jobs, TaskRepository tasks, JanitorRunRepository runs) {
    this.pool = pool;
    this.jobs = jobs;
    this.tasks = tasks;
    this.runs = runs;
  }

  public Uni<PassReport> run(Duration horizon, int limit) {
    return LockedPass.run(
        pool, runs, JanitorRunType.STALE_JOBS, c -> pass(c, horizon, limit), () -> {});
  }

  private Uni<PassReport> pass(SqlClient c, Duration horizon, int limit) {
    JsonArray failed = new JsonArray();
    return jobs.staleJobs(c, (int) Math.min(Integer.MAX_VALUE, horizon.toSeconds()), limit)
        .chain(
            stale ->
                Multi.createFrom()
                    .iterable(stale)
                    .onItem()
                    .transformToUniAndConcatenate(
                        j ->
                            JobFailing.failOpen(c, jobs, tasks, j.jobId(), error(j, horizon), true)
                                .invoke(
                                    f -> {
                                      if (f.job() != null) {
                                        failed.add(action(j, f));
                                      }
                                    }))
                    .collect()
                    .asList()
                    .map(
                        done ->
                            new PassReport(
                                false,
                                stale.size(),
                                failed.size(),
                                new JsonObject().put("failed", failed))));
  }

  static String error(StuckJob j, Duration horizon) {
    return ErrorCode.STALE_JOB.describe(
        "still "
            + j.status()
            + " at stage "
            + j.stage()
            + " after the stale horizon of "
            + horizon
            + "; failed by the janitor and its open tasks cancelled");
  }

  private static JsonObject action(StuckJob j, JobFailing.Failed f) {
    return new JsonObject()
        .put("job_id", j.jobId())
        .put("was", j.status())
        .put("stage", j.stage())
        .put("tasks_cancelled", f.tasksCancelled());
  }
}
