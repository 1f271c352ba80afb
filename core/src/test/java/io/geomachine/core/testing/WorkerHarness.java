package io.geomachine.core.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.geomachine.core.repository.NewStage;
import io.geomachine.core.repository.TaskRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What the workers' {@code @QuarkusTest}s share: arranging jobs and stages in the real database as
 * CoreMachine does (same repositories, same planners, same task ids), sending task messages through
 * the real broker, and waiting until the worker has nothing left in flight. Each worker module
 * produces one for its own task queue and test channel.
 */
public final class WorkerHarness {
  public static final Duration TIMEOUT = Duration.ofSeconds(30);
  public static final String JOBS = "geomachine.jobs";
  public static final String DEAD_LETTERS = "geomachine.dead-letters";

  private final JobRepository jobs = new JobRepository();
  private final TaskRepository tasks = new TaskRepository();
  private final Pool pool;
  private final io.vertx.mutiny.core.Vertx vertx;
  private final MeterRegistry metrics;
  private final Consumer<Object> sender;
  private final String taskQueue;

  /**
   * @param sender puts a payload on the worker's task queue (its test channel) and waits for the
   *     broker's acknowledgement
   */
  public WorkerHarness(
      Pool pool,
      io.vertx.mutiny.core.Vertx vertx,
      MeterRegistry metrics,
      Consumer<Object> sender,
      String taskQueue) {
    this.pool = pool;
    this.vertx = vertx;
    this.metrics = metrics;
    this.sender = sender;
    this.taskQueue = taskQueue;
  }

  /** Inserts a job of {@code def} with validated parameters and starts it (queued→processing). */
  public String insertProcessingJob(JobDefinition def, JsonObject rawParameters) {
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
  public List<TaskMessage> openStage(
      JobDefinition def, String jobId, int stage, List<TaskResult> prev) {
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
  public List<TaskMessage> insertTasksOfType(
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
    NewStage newStage = new NewStage(jobId, jobType, taskType, stage, ids, indexes, params);
    assertEquals(ids.size(), join(tasks.insertStage(pool, newStage)));
    return ids.stream().map(id -> new TaskMessage(id, jobId, taskType, stage)).toList();
  }

  /**
   * Completes every task of a stage in the database as the other worker would have (claim, then
   * {@code app.complete_task_and_check_stage} with the given result) and advances the job past the
   * stage as CoreMachine would; returns the stage's results, the input of the next stage's planner.
   */
  public List<TaskResult> finishStageInDatabase(
      String jobId, int stage, Function<Task, JsonObject> result) {
    for (Task t : tasks(jobId, stage)) {
      assertNotNull(join(tasks.claim(pool, t.taskId())));
      assertTrue(
          join(tasks.complete(pool, t.taskId(), jobId, stage, result.apply(t), null))
              .taskUpdated());
    }
    JobRepository.StageAdvance advance =
        join(jobs.advanceStage(pool, jobId, stage, new JsonObject(), JobStatus.COMPLETED, null));
    assertTrue(advance.updated(), "stage " + stage + " of " + jobId + " did not advance");
    return join(tasks.stageResults(pool, jobId, stage));
  }

  public void send(TaskMessage message) {
    sender.accept(message.toJson());
  }

  public void sendRaw(Object payload) {
    sender.accept(payload);
  }

  public Job job(String jobId) {
    return join(jobs.find(pool, jobId));
  }

  public List<Task> tasks(String jobId, int stage) {
    return join(tasks.listForJob(pool, jobId, stage, null, 10_000, 0));
  }

  public long count(String sql, Object... args) {
    return join(pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  public static long queued(String queue) {
    return EmbeddedArtemisResource.messageCount(queue);
  }

  /** Task messages the listener handled, by task type and outcome (the Micrometer counter). */
  public double executed(String taskType, String outcome) {
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
  public void awaitQuiet() {
    await()
        .atMost(TIMEOUT)
        .until(() -> queued(taskQueue) == 0 && count("SELECT count(*) FROM app.outbox") == 0);
  }

  /** Waits for quiet, then empties the queues nothing consumes in this module. */
  public void awaitQuietAndEmptyQueues() {
    awaitQuiet();
    for (String queue : List.of(JOBS, DEAD_LETTERS)) {
      QueueReader.drain(vertx, queue);
      assertEquals(0, queued(queue), queue + " still holds messages");
    }
  }

  /** Every message on a queue (draining it). */
  public List<JsonObject> drain(String queue) {
    return QueueReader.drain(vertx, queue);
  }

  /** The messages on a queue that concern one job (draining the queue). */
  public List<JsonObject> drainFor(String queue, String jobId) {
    return QueueReader.drain(vertx, queue).stream()
        .filter(m -> jobId.equals(m.getString("job_id")))
        .toList();
  }

  public static <T> T join(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }
}
