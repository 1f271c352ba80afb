package io.geomachine.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.CoreMachine;
import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.TaskExecutor;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Messages still queued for jobs a rebuild removed do not break anything: the orchestrator drops
 * start and stage messages with a log line, a worker skips the task (no handler runs), nothing is
 * recreated, and no error would make the broker redeliver them forever.
 */
class StaleMessagesAfterRebuildTest {
  private static TestDatabase db;
  private static Engine engine;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_stale");
    Map<Destination, Function<JsonObject, Uni<Void>>> senders = new EnumMap<>(Destination.class);
    for (Destination d : Destination.values()) {
      senders.put(d, payload -> Uni.createFrom().voidItem());
    }
    engine =
        new Engine(
            db.pool(),
            JobRegistry.standard(),
            senders,
            new Engine.RelaySettings(100, 8, Duration.ofSeconds(5), Duration.ofSeconds(1), false));
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /** A handler that counts how often it runs. */
  private static final class Counting implements TaskHandler {
    private final TaskHandler inner;
    final AtomicInteger calls = new AtomicInteger();

    Counting(TaskHandler inner) {
      this.inner = inner;
    }

    @Override
    public String taskType() {
      return inner.taskType();
    }

    @Override
    public JsonObject handle(TaskInput input) throws Exception {
      calls.incrementAndGet();
      return inner.handle(input);
    }
  }

  @Test
  void messagesForJobsARebuildRemovedAreDroppedNotRetried() {
    CoreMachine machine = engine.coreMachine();
    String jobId =
        Sql.await(
                engine
                    .submission()
                    .submit("hello_world", new JsonObject().put("n", 2).put("message", "stale")))
            .job()
            .jobId();
    Sql.await(machine.handle(JobMessage.startJob(jobId)));
    Row task =
        Sql.rows(
                db.pool(),
                "SELECT task_id, task_type FROM app.tasks WHERE parent_job_id = $1",
                jobId)
            .get(0);
    TaskMessage taskMessage =
        new TaskMessage(task.getString("task_id"), jobId, task.getString("task_type"), 1);

    SchemaAdmin admin = AdminTestSupport.admin(db);
    assertTrue(admin.redeployApp(true, false).succeeded());
    assertEquals(0, Sql.count(db.pool(), "SELECT count(*) FROM app.jobs"));

    Counting greeting = new Counting(new HelloWorldHandlers.Greeting());
    Counting reply = new Counting(new HelloWorldHandlers.Reply());
    TaskExecutor executor = engine.taskExecutor(List.of(greeting, reply));

    Sql.await(machine.handle(JobMessage.startJob(jobId)));
    Sql.await(machine.handle(JobMessage.stageCompleted(jobId, 1)));
    assertEquals(TaskExecutor.Outcome.SKIPPED, executor.execute(taskMessage));

    assertEquals(0, greeting.calls.get() + reply.calls.get(), "no handler ran");
    for (String table : List.of("jobs", "tasks", "outbox", "stage_progress")) {
      assertEquals(0, Sql.count(db.pool(), "SELECT count(*) FROM app." + table), table);
    }
  }
}
