package io.geomachine.core.engine;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.FailurePolicy;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.NewStage;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The orchestrator's logic: starts jobs, turns a completed stage into the next one, finishes jobs.
 *
 * <p>Each command runs in one transaction that changes the job, creates the next stage's tasks and
 * writes their messages to the outbox, so after a crash either all of it happened or none of it
 * did. Every step is guarded (queued→processing on start, a compare-and-set on the stage when
 * advancing), so a duplicate command changes nothing.
 */
public final class CoreMachine {
  private static final Logger LOG = Logger.getLogger(CoreMachine.class);

  private final Pool pool;
  private final JobRegistry registry;
  private final JobRepository jobs;
  private final TaskRepository tasks;
  private final OutboxRepository outbox;
  private final Runnable afterCommitWithMessages;

  public CoreMachine(
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

  public Uni<Void> handle(JobMessage message) {
    return pool.withTransaction(c -> apply(c, message)).invoke(afterCommitWithMessages);
  }

  /**
   * Applies a command in the caller's transaction (the janitor's job-health pass runs the same code
   * path as the message would); the caller wakes the relay after its commit.
   */
  Uni<Void> apply(SqlClient c, JobMessage message) {
    return switch (message.type()) {
      case START_JOB -> startJob(c, message.jobId());
      case STAGE_COMPLETED -> completeStage(c, message.jobId(), message.stage());
      case TASK_FAILED -> taskFailed(c, message.jobId(), message.stage());
    };
  }

  private Uni<Void> startJob(SqlClient c, String jobId) {
    return jobs.transition(c, jobId, JobStatus.QUEUED, JobStatus.PROCESSING)
        .chain(
            job -> {
              if (job == null) {
                LOG.debugf(
                    "start_job %s: job is not queued (duplicate or removed); ignored", jobId);
                return Uni.createFrom().voidItem();
              }
              JobDefinition def = definitionOf(job);
              if (def == null) {
                return failJob(c, job, "no job definition named '" + job.jobType() + "'");
              }
              return openStage(c, job, def, 1, List.of());
            });
  }

  /**
   * Called when the last task of a stage finished. Applies the failure policy, advances the stage
   * exactly once, and opens the next stage or finishes the job.
   */
  private Uni<Void> completeStage(SqlClient c, String jobId, int stage) {
    return jobs.find(c, jobId)
        .chain(
            job -> {
              if (job == null) {
                LOG.infof(
                    "stage_completed for unknown job %s (removed by a rebuild?); dropped", jobId);
                return Uni.createFrom().voidItem();
              }
              if (job.status() != JobStatus.PROCESSING || job.stage() != stage) {
                LOG.debugf(
                    "stage_completed %s/%d: job is %s at stage %d; ignored",
                    jobId, stage, job.status().sqlValue(), job.stage());
                return Uni.createFrom().voidItem();
              }
              JobDefinition def = definitionOf(job);
              if (def == null) {
                return failJob(c, job, "no job definition named '" + job.jobType() + "'");
              }
              return tasks
                  .stageResults(c, jobId, stage)
                  .chain(results -> finishStage(c, job, def, stage, results));
            });
  }

  /**
   * A task failed for good before its stage ended. Under FAIL_JOB the job fails now: its tasks that
   * have not started are cancelled and running ones stop at their next heartbeat. Under
   * COMPLETE_WITH_ERRORS nothing happens until the stage ends.
   */
  private Uni<Void> taskFailed(SqlClient c, String jobId, int stage) {
    return jobs.find(c, jobId)
        .chain(
            job -> {
              if (job == null || job.status() != JobStatus.PROCESSING || job.stage() != stage) {
                return Uni.createFrom().voidItem();
              }
              JobDefinition def = definitionOf(job);
              if (def == null || def.failurePolicy() != FailurePolicy.FAIL_JOB) {
                return Uni.createFrom().voidItem();
              }
              return tasks
                  .stageResults(c, jobId, stage)
                  .chain(
                      results -> {
                        List<TaskResult> failed =
                            results.stream().filter(r -> r.status() == TaskStatus.FAILED).toList();
                        if (failed.isEmpty()) {
                          return Uni.createFrom().voidItem();
                        }
                        String error = failureSummary(def, stage, failed, results.size());
                        JsonObject summary = stageSummary(def.stage(stage), stage, results);
                        return jobs.fail(
                                c, jobId, JobStatus.PROCESSING, error, stageEntry(stage, summary))
                            .chain(
                                failedJob -> {
                                  if (failedJob == null) {
                                    return Uni.createFrom().voidItem();
                                  }
                                  LOG.warnf("job %s failed: %s", jobId, error);
                                  return tasks.cancelNotStarted(c, jobId).replaceWithVoid();
                                });
                      });
            });
  }

  private static String failureSummary(
      JobDefinition def, int stage, List<TaskResult> failed, int taskCount) {
    return String.format(
        "stage %d (%s): %d of %d tasks failed; first error: %s",
        stage, def.stage(stage).name(), failed.size(), taskCount, failed.get(0).error());
  }

  private Uni<Void> finishStage(
      SqlClient c, Job job, JobDefinition def, int stage, List<TaskResult> results) {
    long open = results.stream().filter(r -> !isDone(r.status())).count();
    if (open > 0) {
      LOG.warnf(
          "stage %d of job %s still has %d open tasks; not advancing", stage, job.jobId(), open);
      return Uni.createFrom().voidItem();
    }
    JsonObject summary = stageSummary(def.stage(stage), stage, results);
    List<TaskResult> failed =
        results.stream().filter(r -> r.status() == TaskStatus.FAILED).toList();
    if (!failed.isEmpty() && def.failurePolicy() == FailurePolicy.FAIL_JOB) {
      String error = failureSummary(def, stage, failed, results.size());
      return jobs.fail(c, job.jobId(), JobStatus.PROCESSING, error, stageEntry(stage, summary))
          .replaceWithVoid();
    }
    boolean withErrors = !failed.isEmpty() || earlierStagesFailed(job);
    return advance(c, job, def, stage, summary, withErrors, succeeded(results));
  }

  private Uni<Void> advance(
      SqlClient c,
      Job job,
      JobDefinition def,
      int stage,
      JsonObject summary,
      boolean withErrors,
      List<TaskResult> succeeded) {
    boolean last = stage == def.stages().size();
    Uni<JsonObject> result =
        last
            ? tasks
                .succeededResultsByStage(c, job.jobId())
                .map(byStage -> def.result(job.parameters(), byStage))
            : Uni.createFrom().nullItem();
    JobStatus finalStatus = withErrors ? JobStatus.COMPLETED_WITH_ERRORS : JobStatus.COMPLETED;
    return result
        .chain(data -> jobs.advanceStage(c, job.jobId(), stage, summary, finalStatus, data))
        .chain(
            adv -> {
              if (!adv.updated()) {
                LOG.debugf("stage %d of job %s was already advanced", stage, job.jobId());
                return Uni.createFrom().voidItem();
              }
              if (adv.finalStage()) {
                LOG.infof("job %s %s", job.jobId(), finalStatus.sqlValue());
                return Uni.createFrom().voidItem();
              }
              return openStage(c, job, def, stage + 1, succeeded);
            });
  }

  /**
   * Plans a stage and creates its tasks and their messages; a stage with nothing to do completes at
   * once (so an empty fan-out finishes the job instead of hanging it).
   */
  private Uni<Void> openStage(
      SqlClient c, Job job, JobDefinition def, int stage, List<TaskResult> previous) {
    StageDefinition sd = def.stage(stage);
    List<TaskSpec> specs;
    try {
      specs = sd.planner().plan(new StageContext(job.jobId(), job.parameters(), stage, previous));
      checkIndexes(specs);
    } catch (RuntimeException e) {
      return failJob(
          c,
          job,
          String.format(
              "stage %d (%s) could not be planned: %s", stage, sd.name(), e.getMessage()));
    }
    if (specs.isEmpty()) {
      JsonObject summary = stageSummary(sd, stage, List.of());
      return advance(c, job, def, stage, summary, earlierStagesFailed(job), List.of());
    }
    List<String> ids = new ArrayList<>(specs.size());
    List<String> indexes = new ArrayList<>(specs.size());
    List<JsonObject> params = new ArrayList<>(specs.size());
    List<JsonObject> messages = new ArrayList<>(specs.size());
    for (TaskSpec spec : specs) {
      String taskId = TaskIds.taskId(job.jobId(), stage, spec.index());
      ids.add(taskId);
      indexes.add(spec.index());
      params.add(spec.parameters());
      messages.add(new TaskMessage(taskId, job.jobId(), sd.taskType(), stage).toJson());
    }
    NewStage newStage =
        new NewStage(job.jobId(), job.jobType(), sd.taskType(), stage, ids, indexes, params);
    return tasks
        .insertStage(c, newStage)
        .chain(created -> outbox.enqueue(c, sd.queue().destination(), messages))
        .invoke(
            () ->
                LOG.debugf(
                    "job %s stage %d (%s): %d tasks queued",
                    job.jobId(), stage, sd.name(), specs.size()));
  }

  private Uni<Void> failJob(SqlClient c, Job job, String error) {
    LOG.warnf("job %s failed: %s", job.jobId(), error);
    return jobs.fail(c, job.jobId(), JobStatus.PROCESSING, error, null).replaceWithVoid();
  }

  private JobDefinition definitionOf(Job job) {
    try {
      return registry.require(job.jobType());
    } catch (GeoMachineException e) {
      return null;
    }
  }

  private static void checkIndexes(List<TaskSpec> specs) {
    Set<String> seen = new HashSet<>();
    for (TaskSpec s : specs) {
      if (!TaskIds.isValidIndex(s.index())) {
        throw new IllegalArgumentException("invalid task index '" + s.index() + "'");
      }
      if (!seen.add(s.index())) {
        throw new IllegalArgumentException("task index '" + s.index() + "' planned twice");
      }
    }
  }

  private static boolean isDone(TaskStatus s) {
    return s == TaskStatus.COMPLETED || s == TaskStatus.FAILED;
  }

  private static List<TaskResult> succeeded(List<TaskResult> results) {
    return results.stream().filter(TaskResult::succeeded).toList();
  }

  private static boolean earlierStagesFailed(Job job) {
    for (String key : job.stageResults().fieldNames()) {
      JsonObject s = job.stageResults().getJsonObject(key);
      if (s != null && s.getInteger("failed", 0) > 0) {
        return true;
      }
    }
    return false;
  }

  /** What {@code stage_results} keeps of a finished stage. */
  static JsonObject stageSummary(StageDefinition sd, int stage, List<TaskResult> results) {
    JsonArray list = new JsonArray();
    int completed = 0;
    int failed = 0;
    for (TaskResult r : results) {
      list.add(r.toJson());
      if (r.status() == TaskStatus.COMPLETED) {
        completed++;
      } else if (r.status() == TaskStatus.FAILED) {
        failed++;
      }
    }
    return new JsonObject()
        .put("stage", stage)
        .put("name", sd.name())
        .put("task_type", sd.taskType())
        .put("task_count", results.size())
        .put("completed", completed)
        .put("failed", failed)
        .put("results", list);
  }

  private static JsonObject stageEntry(int stage, JsonObject summary) {
    return new JsonObject().put(String.valueOf(stage), summary);
  }
}
