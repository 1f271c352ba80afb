package io.geomachine.gateway;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.geomachine.core.engine.JobQueries.JobView;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.Task;
import io.geomachine.core.model.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What the API says about jobs and tasks: snake_case records built from the domain model. Statuses
 * are their database names ({@code queued}, {@code completed_with_errors}, ...); timestamps are UTC
 * without an offset, as stored.
 */
public final class JobViews {
  private JobViews() {}

  @JsonNaming(SnakeCaseStrategy.class)
  @Schema(description = "Where to follow up on a job")
  public record Links(String status, String tasks, String rerun) {
    static Links of(String jobId) {
      return new Links(
          "/api/jobs/status/" + jobId,
          "/api/jobs/" + jobId + "/tasks",
          "/api/jobs/" + jobId + "/rerun");
    }
  }

  @JsonNaming(SnakeCaseStrategy.class)
  @Schema(description = "A submitted (or re-run) job; created is false when it existed already")
  public record JobAccepted(
      String jobId, String jobType, String status, boolean created, Links links) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record JobSummary(
      String jobId,
      String jobType,
      String status,
      int stage,
      int totalStages,
      LocalDateTime createdAt,
      LocalDateTime updatedAt,
      Links links) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record JobDetail(
      String jobId,
      String jobType,
      String status,
      int stage,
      int totalStages,
      Map<String, Object> parameters,
      Map<String, Object> stageResults,
      Map<String, Object> resultData,
      String errorDetails,
      LocalDateTime createdAt,
      LocalDateTime updatedAt,
      Progress progress,
      Links links) {}

  @JsonNaming(SnakeCaseStrategy.class)
  @Schema(
      description =
          "Task counts. A task is done when it is completed, failed or cancelled. percent weighs"
              + " every stage equally (a stage's tasks only exist once it has started) and is 100"
              + " only for a completed job.")
  public record Progress(
      List<StageProgress> stages, long tasksTotal, long tasksDone, double percent) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record StageProgress(
      int stage, String name, Map<String, Long> tasksByStatus, long tasksTotal, long tasksDone) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record JobPage(List<JobSummary> jobs, int limit, int offset, int count) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record TaskView(
      String taskId,
      String taskType,
      int stage,
      String taskIndex,
      String status,
      int retryCount,
      String errorDetails,
      Map<String, Object> resultData,
      LocalDateTime createdAt,
      LocalDateTime updatedAt) {}

  @JsonNaming(SnakeCaseStrategy.class)
  public record TaskPage(String jobId, List<TaskView> tasks, int limit, int offset, int count) {}

  static JobAccepted accepted(Job job, boolean created) {
    return new JobAccepted(
        job.jobId(), job.jobType(), job.status().sqlValue(), created, Links.of(job.jobId()));
  }

  static JobSummary summary(Job job) {
    return new JobSummary(
        job.jobId(),
        job.jobType(),
        job.status().sqlValue(),
        job.stage(),
        job.totalStages(),
        job.createdAt(),
        job.updatedAt(),
        Links.of(job.jobId()));
  }

  /**
   * @param stageNames the job definition's stage names, first stage first (empty when the job type
   *     is no longer registered)
   */
  static JobDetail detail(JobView view, List<String> stageNames) {
    Job job = view.job();
    return new JobDetail(
        job.jobId(),
        job.jobType(),
        job.status().sqlValue(),
        job.stage(),
        job.totalStages(),
        plain(job.parameters()),
        plain(job.stageResults()),
        plain(job.resultData()),
        job.errorDetails(),
        job.createdAt(),
        job.updatedAt(),
        progress(job, view.taskCounts(), stageNames),
        Links.of(job.jobId()));
  }

  static Progress progress(
      Job job, Map<Integer, Map<TaskStatus, Long>> counts, List<String> stageNames) {
    List<StageProgress> stages = new ArrayList<>();
    long total = 0;
    long done = 0;
    double stagesDone = 0;
    for (int stage = 1; stage <= job.totalStages(); stage++) {
      Map<TaskStatus, Long> byStatus = counts.getOrDefault(stage, Map.of());
      Map<String, Long> named = new LinkedHashMap<>();
      long stageTotal = 0;
      long stageDone = 0;
      for (TaskStatus status : TaskStatus.values()) {
        long n = byStatus.getOrDefault(status, 0L);
        named.put(status.sqlValue(), n);
        stageTotal += n;
        stageDone += status.isTerminal() ? n : 0;
      }
      String name = stage <= stageNames.size() ? stageNames.get(stage - 1) : null;
      stages.add(new StageProgress(stage, name, named, stageTotal, stageDone));
      total += stageTotal;
      done += stageDone;
      // A stage the job has moved past is finished even if it had no tasks at all.
      boolean passed = stage < job.stage() || job.status() == JobStatus.COMPLETED;
      stagesDone += passed ? 1.0 : stageTotal == 0 ? 0.0 : (double) stageDone / stageTotal;
    }
    // Rounded down, so 100 means finished and not "almost".
    double percent =
        job.totalStages() == 0 ? 0.0 : Math.floor(1000.0 * stagesDone / job.totalStages()) / 10.0;
    return new Progress(stages, total, done, percent);
  }

  static TaskView task(Task task) {
    return new TaskView(
        task.taskId(),
        task.taskType(),
        task.stage(),
        task.taskIndex(),
        task.status().sqlValue(),
        task.retryCount(),
        task.errorDetails(),
        plain(task.resultData()),
        task.createdAt(),
        task.updatedAt());
  }

  /**
   * A JSON object as plain maps and lists, so Jackson writes it without knowing Vert.x types (and
   * the OpenAPI document shows a plain object).
   */
  static Map<String, Object> plain(JsonObject json) {
    if (json == null) {
      return null;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    json.forEach(e -> out.put(e.getKey(), plainValue(e.getValue())));
    return out;
  }

  private static Object plainValue(Object value) {
    if (value instanceof JsonObject o) {
      return plain(o);
    }
    if (value instanceof JsonArray a) {
      List<Object> out = new ArrayList<>(a.size());
      a.forEach(v -> out.add(plainValue(v)));
      return out;
    }
    return value;
  }
}
