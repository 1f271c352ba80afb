package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 200 tasks of one stage complete at once, and the stage advances exactly once. */
class StageConcurrencyTest {
  private static final int N = 200;
  private static final int THREADS = 32;
  private static final int WORKERS = 16;
  private static TestDatabase db;
  private static Vertx vertx;
  private static Pool pool;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_engine_concurrency");
    vertx = Vertx.vertx();
    pool = TestDatabase.pool(vertx, db.name(), THREADS);
    h = new EngineHarness(pool);
  }

  @BeforeEach
  void reset() {
    h.reset();
  }

  @AfterAll
  static void close() {
    pool.close().await().atMost(Sql.TIMEOUT);
    vertx.close().await().atMost(Sql.TIMEOUT);
    db.close();
  }

  /** Runs every call at the same moment from THREADS threads; returns their results in order. */
  private static <T> List<T> allAtOnce(List<Callable<T>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> call : calls) {
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  return call.call();
                }));
      }
      go.countDown();
      List<T> out = new ArrayList<>();
      for (Future<T> f : futures) {
        out.add(f.get(120, TimeUnit.SECONDS));
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** Submits and starts a job of N greetings; returns the N task messages of stage 1. */
  private static List<TaskMessage> startStageOne(String jobId) {
    h.publishAll();
    List<JsonObject> start = h.take(Destination.JOBS);
    assertEquals(List.of(JobMessage.startJob(jobId).toJson()), start);
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(start.get(0))));
    h.publishAll();
    List<TaskMessage> messages =
        h.take(Destination.RASTER_TASKS).stream().map(TaskMessage::fromJson).toList();
    assertEquals(N, messages.size());
    return messages;
  }

  private static String submit(String message) {
    return Sql.await(
            h.quietSubmission()
                .submit("hello_world", new JsonObject().put("n", N).put("message", message)))
        .job()
        .jobId();
  }

  private static long stageCompletedRows(String jobId, int stage) {
    return Sql.count(
        pool,
        "SELECT count(*) FROM app.outbox WHERE destination = 'jobs'"
            + " AND payload->>'type' = 'stage_completed' AND payload->>'job_id' = $1"
            + " AND (payload->>'stage')::int = $2",
        jobId,
        stage);
  }

  @Test
  void twoHundredTasksCompletingAtOnceAdvanceTheStageExactlyOnce() throws Exception {
    String jobId = submit("concurrent executor");
    List<TaskMessage> greetings = startStageOne(jobId);
    EngineHarness.Counting greeting = new EngineHarness.Counting(new HelloWorldHandlers.Greeting());
    EngineHarness.Counting reply = new EngineHarness.Counting(new HelloWorldHandlers.Reply());
    // Several workers (each executor group-commits its own completions), all at once.
    List<TaskExecutor> workers = new ArrayList<>();
    for (int i = 0; i < WORKERS; i++) {
      workers.add(h.quietExecutor(List.of(greeting, reply)));
    }
    List<Callable<TaskExecutor.Outcome>> calls = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      TaskExecutor worker = workers.get(i % WORKERS);
      TaskMessage m = greetings.get(i);
      calls.add(() -> worker.execute(m));
    }
    List<TaskExecutor.Outcome> outcomes = allAtOnce(calls);

    assertTrue(outcomes.stream().allMatch(o -> o == TaskExecutor.Outcome.COMPLETED), "" + outcomes);
    assertEquals(N, greeting.calls.get());
    assertEquals(N, h.taskCount(jobId, 1, "completed"));
    assertEquals(1, stageCompletedRows(jobId, 1), "exactly one stage_completed for stage 1");

    h.publishAll();
    List<JsonObject> done = h.take(Destination.JOBS);
    assertEquals(List.of(JobMessage.stageCompleted(jobId, 1).toJson()), done);
    JobMessage stageCompleted = JobMessage.fromJson(done.get(0));

    // The message and a duplicate of it, handled at the same moment by two orchestrators.
    CoreMachine a = h.quietMachine();
    CoreMachine b = h.quietMachine();
    allAtOnce(
        List.<Callable<Void>>of(
            () -> Sql.await(a.handle(stageCompleted)), () -> Sql.await(b.handle(stageCompleted))));

    Job job = h.job(jobId);
    assertEquals(2, job.stage());
    assertEquals(JobStatus.PROCESSING, job.status());
    assertEquals(Set.of("1"), job.stageResults().fieldNames());
    assertEquals(N, job.stageResults().getJsonObject("1").getInteger("completed"));
    assertEquals(N, h.taskCount(jobId, 2, null));
    assertEquals(N, h.outboxCount(Destination.VECTOR_TASKS, jobId), "stage 2 opened once");

    // And stage 2 the same way, to the end.
    h.publishAll();
    List<Callable<TaskExecutor.Outcome>> replies = new ArrayList<>();
    List<JsonObject> replyMessages = h.take(Destination.VECTOR_TASKS);
    for (int i = 0; i < replyMessages.size(); i++) {
      TaskExecutor worker = workers.get(i % WORKERS);
      TaskMessage m = TaskMessage.fromJson(replyMessages.get(i));
      replies.add(() -> worker.execute(m));
    }
    assertEquals(N, replies.size());
    assertTrue(allAtOnce(replies).stream().allMatch(o -> o == TaskExecutor.Outcome.COMPLETED));
    assertEquals(N, reply.calls.get());
    assertEquals(1, stageCompletedRows(jobId, 2));
    h.publishAll();
    JobMessage last = JobMessage.fromJson(h.take(Destination.JOBS).get(0));
    allAtOnce(
        List.<Callable<Void>>of(() -> Sql.await(a.handle(last)), () -> Sql.await(b.handle(last))));
    Job finished = h.job(jobId);
    assertEquals(JobStatus.COMPLETED, finished.status());
    assertEquals(N, finished.resultData().getJsonArray("greetings").size());
    assertEquals(
        "concurrent executor #199", finished.resultData().getJsonArray("greetings").getString(199));
    assertEquals(0, h.outboxCount());
  }

  @Test
  void exactlyOneOfTwoHundredConcurrentCompletionsIsTheLast() throws Exception {
    // Stage 1 claimed for all 200 tasks first; then all complete through the seed's function at
    // once.
    String jobId = submit("concurrent sql");
    List<TaskMessage> messages = startStageOne(jobId);
    for (TaskMessage m : messages) {
      assertEquals(m.taskId(), Sql.await(h.engine.tasks().claim(pool, m.taskId())).taskId());
    }
    assertEquals(N, h.taskCount(jobId, 1, "processing"));
    assertOneLast(jobId, messages.stream().map(TaskMessage::taskId).toList());
  }

  @Test
  void withoutAProgressRowTheSeedsLockAndCountAlsoFindsExactlyOneLast() throws Exception {
    // Tasks written directly, as a stage created before app.stage_progress existed would be.
    String jobId = Sql.newJobId();
    Sql.insertJob(pool, jobId, "processing", 1, 1);
    Sql.update(
        pool,
        "INSERT INTO app.tasks (task_id, parent_job_id, job_type, task_type, stage, task_index,"
            + " status) SELECT $1 || '-' || i, $1, 'hello_world', 'hello_world_greeting', 1, i::text,"
            + " 'processing' FROM generate_series(0, $2 - 1) AS i",
        jobId,
        N);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      ids.add(jobId + "-" + i);
    }
    assertOneLast(jobId, ids);
  }

  /** Completes every task at once through the seed's function; exactly one must be the last. */
  private static void assertOneLast(String jobId, List<String> taskIds) throws Exception {
    List<Callable<Boolean>> calls = new ArrayList<>();
    for (String taskId : taskIds) {
      calls.add(
          () ->
              Sql.row(
                      pool,
                      "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1, $3)",
                      taskId,
                      jobId,
                      new JsonObject().put("t", taskId))
                  .getBoolean("is_last_task_in_stage"));
    }
    List<Boolean> last = allAtOnce(calls);
    assertEquals(
        1,
        last.stream().filter(Boolean::booleanValue).count(),
        "tasks that saw themselves as the last of the stage");
    assertEquals(N, h.taskCount(jobId, 1, "completed"));
  }
}
