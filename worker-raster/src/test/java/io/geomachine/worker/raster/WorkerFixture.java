package io.geomachine.worker.raster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.job.ValidatedParameters;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.Task;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.QueueReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the worker's tests share: arranging jobs and stages in the real database as CoreMachine does
 * (same repositories, same planners, same task ids), sending task messages through the real broker,
 * and waiting until the worker has nothing left in flight.
 */
@ApplicationScoped
public class WorkerFixture {
  @jakarta.inject.Inject io.vertx.mutiny.core.Vertx vertx;

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String TASK_QUEUE = "geomachine.tasks.raster";
  static final String JOBS = "geomachine.jobs";
  static final String DEAD_LETTERS = "geomachine.dead-letters";

  private final JobRepository jobs = new JobRepository();
  private final TaskRepository tasks = new TaskRepository();

  @Inject Pool pool;
  @Inject MeterRegistry metrics;
  @Inject TaskMessageSender sender;

  /** Inserts a job of {@code def} with validated parameters and starts it (queued→processing). */
  String insertProcessingJob(JobDefinition def, JsonObject rawParameters) {
    ValidatedParameters params = def.parameters().validate(rawParameters);
    String jobId = JobIds.derive(def.jobType(), params.identifying());
    JobRepository.NewJob row =
        new JobRepository.NewJob(jobId, def.jobType(), params.all(), def.stages().size());
    assertEquals(true, join(jobs.insertIfAbsent(pool, row)), "job existed already: " + jobId);
    assertNotNull(join(jobs.transition(pool, jobId, JobStatus.QUEUED, JobStatus.PROCESSING)));
    return jobId;
  }

  /**
   * Plans a stage with the job definition's own planner and creates its tasks as CoreMachine does;
   * returns the messages CoreMachine would send for them.
   */
  List<TaskMessage> openStage(JobDefinition def, String jobId, int stage, List<TaskResult> prev) {
    Job job = job(jobId);
    List<TaskSpec> specs =
        def.stage(stage).planner().plan(new StageContext(jobId, job.parameters(), stage, prev));
    List<String> ids = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    List<JsonObject> params = new ArrayList<>();
    for (TaskSpec spec : specs) {
      ids.add(TaskIds.taskId(jobId, stage, spec.index()));
      indexes.add(spec.index());
      params.add(spec.parameters());
    }
    String taskType = def.stage(stage).taskType();
    return insertTasks(jobId, def.jobType(), taskType, stage, ids, indexes, params);
  }

  /** Creates {@code count} tasks of any task type (even one no worker knows) in a new stage. */
  List<TaskMessage> insertTasksOfType(
      String jobId, String jobType, String taskType, int stage, int count) {
    List<String> ids = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(TaskIds.taskId(jobId, stage, String.valueOf(i)));
      indexes.add(String.valueOf(i));
    }
    List<JsonObject> params = Collections.nCopies(count, new JsonObject());
    return insertTasks(jobId, jobType, taskType, stage, ids, indexes, params);
  }

  private List<TaskMessage> insertTasks(
      String jobId,
      String jobType,
      String taskType,
      int stage,
      List<String> ids,
      List<String> indexes,
      List<JsonObject> params) {
    TaskRepository.NewStage newStage =
        new TaskRepository.NewStage(jobId, jobType, taskType, stage, ids, indexes, params);
    assertEquals(ids.size(), join(tasks.insertStage(pool, newStage)));
    return ids.stream().map(id -> new TaskMessage(id, jobId, taskType, stage)).toList();
  }

  void send(TaskMessage message) {
    sender.send(message.toJson());
  }

  void sendRaw(Object payload) {
    sender.send(payload);
  }

  Job job(String jobId) {
    return join(jobs.find(pool, jobId));
  }

  List<Task> tasks(String jobId, int stage) {
    return join(tasks.listForJob(pool, jobId, stage, null, 10_000, 0));
  }

  long count(String sql, Object... args) {
    return join(pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  static long queued(String queue) {
    return EmbeddedArtemisResource.messageCount(queue);
  }

  /** Task messages the listener handled, by task type and outcome (the Micrometer counter). */
  double executed(String taskType, String outcome) {
    Counter c =
        metrics
            .find("geomachine.tasks.executed")
            .tag("task_type", taskType)
            .tag("outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  /**
   * Waits until no task message is on its way (a message leaves the queue only once its outcome is
   * committed) and the outbox relay has published everything.
   */
  void awaitQuiet() {
    await()
        .atMost(TIMEOUT)
        .until(() -> queued(TASK_QUEUE) == 0 && count("SELECT count(*) FROM app.outbox") == 0);
  }

  /** Waits for quiet, then empties the queues nothing consumes in this module. */
  void awaitQuietAndEmptyQueues() {
    awaitQuiet();
    for (String queue : List.of(JOBS, DEAD_LETTERS)) {
      QueueReader.drain(vertx, queue);
      assertEquals(0, queued(queue), queue + " still holds messages");
    }
  }

  /** Every message on a queue (draining it). */
  List<JsonObject> drain(String queue) {
    return QueueReader.drain(vertx, queue);
  }

  /** The messages on a queue that concern one job (draining the queue). */
  List<JsonObject> drainFor(String queue, String jobId) {
    return QueueReader.drain(vertx, queue).stream()
        .filter(m -> jobId.equals(m.getString("job_id")))
        .toList();
  }

  static <T> T join(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }
}
