package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.geomachine.core.job.FailurePolicy;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared pieces of the task-execution tests (retries, leases, the watchdog, cancellation): a one
 * stage job whose handler each test scripts, and small helpers to start it and inspect its tasks.
 */
final class TaskExecutionSupport {
  private TaskExecutionSupport() {}

  static JobRegistry registry() {
    return new JobRegistry(List.of(new WorkJob()));
  }

  /** One stage ("work", task type "work", on tasks.raster) of {@code n} tasks; FAIL_JOB. */
  static final class WorkJob implements JobDefinition {
    static final String TYPE = "task_execution_test";
    static final String TASK = "work";

    @Override
    public String jobType() {
      return TYPE;
    }

    @Override
    public String description() {
      return "test job: one stage of n scripted tasks";
    }

    @Override
    public ParameterSchema parameters() {
      return ParameterSchema.builder()
          .integer("n")
          .min(1)
          .max(20)
          .def(1)
          .add()
          .string("tag")
          .required()
          .add()
          .build();
    }

    @Override
    public FailurePolicy failurePolicy() {
      return FailurePolicy.FAIL_JOB;
    }

    @Override
    public List<StageDefinition> stages() {
      return List.of(
          StageDefinition.single(
              "work",
              TASK,
              TaskQueue.RASTER,
              ctx -> {
                List<TaskSpec> specs = new ArrayList<>();
                for (int i = 0; i < ctx.jobParameters().getInteger("n"); i++) {
                  specs.add(new TaskSpec(String.valueOf(i), new JsonObject().put("index", i)));
                }
                return specs;
              }));
    }

    @Override
    public JsonObject result(JsonObject params, Map<Integer, List<TaskResult>> byStage) {
      return new JsonObject().put("done", byStage.getOrDefault(1, List.of()).size());
    }
  }

  /** What one run of a scripted handler does; {@code call} counts from 1. */
  @FunctionalInterface
  interface Body {
    JsonObject run(TaskInput input, int call) throws Exception;
  }

  /** A "work" handler whose behaviour the test provides, counting its calls. */
  static final class Scripted implements TaskHandler {
    final AtomicInteger calls = new AtomicInteger();
    private final Body body;

    Scripted(Body body) {
      this.body = body;
    }

    @Override
    public String taskType() {
      return WorkJob.TASK;
    }

    @Override
    public JsonObject handle(TaskInput input) throws Exception {
      return body.run(input, calls.incrementAndGet());
    }
  }

  static Scripted succeeding() {
    return new Scripted((input, call) -> new JsonObject().put("index", input.taskIndex()));
  }

  /** A started job: its id, and its stage-1 task messages in index order. */
  record Started(String jobId, List<TaskMessage> messages) {
    TaskMessage message(int index) {
      return messages.get(index);
    }

    String taskId(int index) {
      return messages.get(index).taskId();
    }
  }

  /** Submits a job, handles its start message, and takes its n task messages. */
  static Started start(EngineHarness h, String tag, int n) {
    return start(h, WorkJob.TYPE, tag, n);
  }

  /** As {@link #start(EngineHarness, String, int)} for another job type with WorkJob's stage. */
  static Started start(EngineHarness h, String jobType, String tag, int n) {
    String jobId =
        Sql.await(h.quietSubmission().submit(jobType, new JsonObject().put("n", n).put("tag", tag)))
            .job()
            .jobId();
    List<JsonObject> start = awaitSent(h, Destination.JOBS, jobId, 1);
    assertEquals(JobMessage.startJob(jobId).toJson(), start.get(0));
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(start.get(0))));
    List<TaskMessage> messages = new ArrayList<>();
    for (JsonObject m : awaitSent(h, Destination.RASTER_TASKS, jobId, n)) {
      messages.add(TaskMessage.fromJson(m));
    }
    messages.sort(
        (a, b) ->
            Integer.compare(
                Integer.parseInt(a.taskId().substring(a.taskId().lastIndexOf('-') + 1)),
                Integer.parseInt(b.taskId().substring(b.taskId().lastIndexOf('-') + 1))));
    return new Started(jobId, messages);
  }

  /**
   * Publishes what is due until {@code count} messages of the job reached {@code d} (waiting for
   * delayed retries to fall due); other jobs' messages are dropped. Fails after ten seconds.
   */
  static List<JsonObject> awaitSent(EngineHarness h, Destination d, String jobId, int count) {
    List<JsonObject> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      h.publishDue();
      for (JsonObject m : h.take(d)) {
        if (jobId.equals(m.getString("job_id"))) {
          out.add(m);
        }
      }
      if (out.size() >= count) {
        assertEquals(count, out.size(), "more messages than expected for " + d);
        return out;
      }
      if (System.nanoTime() > deadline) {
        fail("only " + out.size() + " of " + count + " messages for " + d + " arrived: " + out);
      }
      EngineHarness.sleep(20);
    }
  }

  /** Whatever messages of the job reach {@code d} within {@code window} (possibly none). */
  static List<JsonObject> collectSent(
      EngineHarness h, Destination d, String jobId, Duration window) {
    List<JsonObject> out = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    do {
      h.publishDue();
      for (JsonObject m : h.take(d)) {
        if (jobId.equals(m.getString("job_id"))) {
          out.add(m);
        }
      }
      EngineHarness.sleep(20);
    } while (System.nanoTime() < deadline);
    return out;
  }

  /** One task row, as the tests look at it. */
  record TaskRow(
      String status,
      int retryCount,
      int attempts,
      String error,
      String workerId,
      JsonObject result,
      boolean nextAttemptSet,
      LocalDateTime leaseExpiresAt,
      boolean leaseInFuture) {}

  static TaskRow task(Pool pool, String taskId) {
    Row r =
        Sql.row(
            pool,
            "SELECT status::text AS status, retry_count, attempts, error_details, worker_id,"
                + " result_data, next_attempt_at IS NOT NULL AS next_set, lease_expires_at,"
                + " coalesce(lease_expires_at > LOCALTIMESTAMP, false) AS lease_live"
                + " FROM app.tasks WHERE task_id = $1",
            taskId);
    return new TaskRow(
        r.getString("status"),
        r.getInteger("retry_count"),
        r.getInteger("attempts"),
        r.getString("error_details"),
        r.getString("worker_id"),
        r.getJsonObject("result_data"),
        r.getBoolean("next_set"),
        r.getLocalDateTime("lease_expires_at"),
        r.getBoolean("lease_live"));
  }

  /** Outbox rows for a task's retry (delayed or not yet published). */
  static long outboxRowsFor(Pool pool, String taskId) {
    return Sql.count(
        pool, "SELECT count(*) FROM app.outbox WHERE payload->>'task_id' = $1", taskId);
  }

  /**
   * The backoff of a task's one scheduled retry, in milliseconds: its outbox row's available_at
   * minus the time of the transaction that wrote it (its created_at). Asserts that exactly one row
   * is waiting, on tasks.raster, with the task's message, and that the task's next_attempt_at is
   * the same instant.
   */
  static long retryDelayMillis(Pool pool, TaskMessage message) {
    List<Row> rows =
        Sql.rows(
            pool,
            "SELECT o.destination, o.payload,"
                + " round(extract(epoch FROM o.available_at - o.created_at) * 1000)::bigint AS ms,"
                + " o.available_at = t.next_attempt_at AS same_due"
                + " FROM app.outbox o JOIN app.tasks t ON t.task_id = o.payload->>'task_id'"
                + " WHERE o.payload->>'task_id' = $1",
            message.taskId());
    assertEquals(1, rows.size(), "outbox rows for task " + message.taskId());
    Row r = rows.get(0);
    assertEquals(Destination.RASTER_TASKS.logicalName(), r.getString("destination"));
    assertEquals(message.toJson(), r.getJsonObject("payload"));
    assertTrue(r.getBoolean("same_due"), "next_attempt_at differs from the message's available_at");
    return r.getLong("ms");
  }

  /**
   * Task messages ever written for a job: published (the harness's history) plus still waiting in
   * the outbox (delayed retries).
   */
  static long taskMessagesWritten(EngineHarness h, String jobId) {
    h.publishDue();
    return h.sentCount(Destination.RASTER_TASKS, jobId)
        + h.outboxCount(Destination.RASTER_TASKS, jobId);
  }

  /** Waits until the task's lease has expired by the database's clock. */
  static void awaitLeaseExpired(Pool pool, String taskId) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Sql.row(
            pool,
            "SELECT lease_expires_at < LOCALTIMESTAMP FROM app.tasks WHERE task_id = $1",
            taskId)
        .getBoolean(0)) {
      if (System.nanoTime() > deadline) {
        fail("the lease of " + taskId + " did not expire");
      }
      EngineHarness.sleep(25);
    }
  }

  /** stage_completed messages ever written for a job's stage (published or still queued). */
  static long stageCompletedCount(EngineHarness h, String jobId, int stage) {
    h.publishDue();
    JsonObject expected = JobMessage.stageCompleted(jobId, stage).toJson();
    return h.history.stream()
        .filter(s -> s.destination() == Destination.JOBS && expected.equals(s.payload()))
        .count();
  }

  static int tasksDone(Pool pool, String jobId, int stage) {
    return Sql.row(
            pool,
            "SELECT tasks_done FROM app.stage_progress WHERE job_id = $1 AND stage = $2",
            jobId,
            stage)
        .getInteger(0);
  }

  static void backdate(Pool pool, String jobId, Duration ago) {
    Sql.backdateJob(pool, jobId, ago);
  }

  /** Empties every table the tests write, and what the harness recorded. */
  static void clean(EngineHarness h) {
    Sql.update(
        h.pool,
        "TRUNCATE app.outbox, app.janitor_runs, app.stage_progress, app.tasks, app.jobs CASCADE");
    for (Destination d : Destination.values()) {
      h.take(d);
    }
    h.history.clear();
  }

  /** Delivers by hand until nothing more is sent (due messages only). */
  static void runToEnd(EngineHarness h, String jobId, TaskExecutor executor) {
    CoreMachine machine = h.quietMachine();
    for (int round = 0; round < 20; round++) {
      List<JsonObject> jobs = collectSent(h, Destination.JOBS, jobId, Duration.ZERO);
      List<JsonObject> tasks = collectSent(h, Destination.RASTER_TASKS, jobId, Duration.ZERO);
      if (jobs.isEmpty() && tasks.isEmpty()) {
        return;
      }
      for (JsonObject m : jobs) {
        Sql.await(machine.handle(JobMessage.fromJson(m)));
      }
      for (JsonObject m : tasks) {
        executor.execute(TaskMessage.fromJson(m));
      }
    }
    fail("job " + jobId + " did not settle in 20 rounds");
  }
}
