package io.geomachine.core.engine;

import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
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
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The janitor's job-health pass, a safety net behind the event-driven failure propagation: a
 * processing job, unchanged for {@code olderThanSeconds}, whose current stage has a failed task
 * gets its failure policy applied through CoreMachine's own code path, in the pass's transaction:
 *
 * <ul>
 *   <li>tasks of the stage still open: the {@code task_failed} path (a {@code FAIL_JOB} job fails
 *       and its tasks not yet started are cancelled; a {@code COMPLETE_WITH_ERRORS} job runs on);
 *   <li>every task finished: the {@code stage_completed} path (a {@code FAIL_JOB} job fails; a
 *       {@code COMPLETE_WITH_ERRORS} job advances, or ends {@code completed_with_errors}).
 * </ul>
 */
public final class JobHealth {
  private final Pool pool;
  private final CoreMachine machine;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final JanitorRunRepository runs;
  private final Runnable afterCommitWithMessages;

  public JobHealth(
      Pool pool,
      CoreMachine machine,
      JobRepository jobs,
      TaskRepository tasks,
      JanitorRunRepository runs,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.machine = machine;
    this.jobs = jobs;
    this.tasks = tasks;
    this.runs = runs;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  public Uni<PassReport> run(int olderThanSeconds, int limit) {
    return LockedPass.run(
        pool,
        runs,
        JanitorRunType.JOB_HEALTH,
        c -> pass(c, olderThanSeconds, limit),
        afterCommitWithMessages);
  }

  private Uni<PassReport> pass(SqlClient c, int olderThanSeconds, int limit) {
    Map<String, JsonArray> outcomes = new LinkedHashMap<>();
    return jobs.withFailedTasks(c, olderThanSeconds, limit)
        .chain(
            candidates ->
                Multi.createFrom()
                    .iterable(candidates)
                    .onItem()
                    .transformToUniAndConcatenate(
                        j ->
                            heal(c, j)
                                .invoke(
                                    outcome ->
                                        outcomes
                                            .computeIfAbsent(outcome, k -> new JsonArray())
                                            .add(j.jobId() + "/stage-" + j.stage())))
                    .collect()
                    .asList()
                    .map(
                        done -> {
                          JsonObject actions = new JsonObject();
                          outcomes.forEach(actions::put);
                          int fixed =
                              candidates.size()
                                  - outcomes.getOrDefault("left_running", new JsonArray()).size()
                                  - outcomes.getOrDefault("unchanged", new JsonArray()).size();
                          return new PassReport(false, candidates.size(), fixed, actions);
                        }));
  }

  /** Applies the policy to one job; says what became of it. */
  private Uni<String> heal(SqlClient c, StuckJob j) {
    return tasks
        .stageResults(c, j.jobId(), j.stage())
        .chain(
            results -> {
              boolean open =
                  results.stream()
                      .anyMatch(
                          r ->
                              r.status() != TaskStatus.COMPLETED
                                  && r.status() != TaskStatus.FAILED);
              JobMessage command =
                  open
                      ? JobMessage.taskFailed(j.jobId(), j.stage())
                      : JobMessage.stageCompleted(j.jobId(), j.stage());
              return machine
                  .apply(c, command)
                  .chain(() -> jobs.find(c, j.jobId()))
                  .map(after -> outcome(j, open, after));
            });
  }

  private static String outcome(StuckJob before, boolean open, Job after) {
    if (after == null) {
      return "unchanged";
    }
    if (after.status() == JobStatus.PROCESSING) {
      if (after.stage() != before.stage()) {
        return "advanced_with_errors";
      }
      return open ? "left_running" : "unchanged";
    }
    return after.status().sqlValue();
  }
}
