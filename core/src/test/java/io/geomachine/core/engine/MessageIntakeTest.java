package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A message nobody can read is dead-lettered with its reason, never dropped. */
class MessageIntakeTest {
  private static final String QUEUE = "geomachine.jobs";
  private static TestDatabase db;
  private static EngineHarness h;
  private static MessageIntake quiet;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_engine_intake");
    h = new EngineHarness(db.pool());
    quiet =
        new MessageIntake(h.pool, h.engine.jobs(), h.engine.tasks(), h.engine.outbox(), () -> {});
  }

  @BeforeEach
  void reset() {
    h.reset();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static JsonObject onlyDeadLetter() {
    List<Row> rows = Sql.rows(h.pool, "SELECT destination, payload FROM app.outbox ORDER BY id");
    assertEquals(1, rows.size(), "exactly one outbox row");
    assertEquals(Destination.DEAD_LETTERS.logicalName(), rows.get(0).getString("destination"));
    return rows.get(0).getJsonObject("payload");
  }

  @Test
  void anUnparseablePayloadIsDeadLetteredWithItsReason() {
    String payload = "this is {not json";
    assertNull(quiet.parseOrDeadLetter(QUEUE, payload, JobMessage::fromJson));
    JsonObject dl = onlyDeadLetter();
    assertEquals(QUEUE, dl.getString("source"));
    assertEquals(payload, dl.getString("original"));
    assertTrue(dl.getString("reason").startsWith("not a JSON object"), dl.getString("reason"));
  }

  @Test
  void aMessageWithAMissingFieldIsDeadLetteredNamingTheField() {
    JsonObject m = JobMessage.startJob("a".repeat(64)).toJson();
    m.remove("job_id");
    assertNull(quiet.parseOrDeadLetter(QUEUE, m.encode(), JobMessage::fromJson));
    JsonObject dl = onlyDeadLetter();
    assertTrue(dl.getString("reason").contains("'job_id'"), dl.getString("reason"));
    assertEquals(m, new JsonObject(dl.getString("original")));
  }

  @Test
  void jsonThatIsNotAnObjectIsDeadLettered() {
    for (Object payload : new Object[] {"[1,2]", "42", "null", 17}) {
      assertNull(quiet.parseOrDeadLetter(QUEUE, payload, TaskMessage::fromJson), "" + payload);
    }
    assertEquals(
        4,
        Sql.count(
            h.pool,
            "SELECT count(*) FROM app.outbox WHERE destination = $1 AND payload ? 'reason'",
            Destination.DEAD_LETTERS.logicalName()));
  }

  @Test
  void aValidMessageIsParsedInEveryPayloadForm() {
    JobMessage m = JobMessage.stageCompleted("b".repeat(64), 2);
    String text = m.toJson().encode();
    assertEquals(m, quiet.parseOrDeadLetter(QUEUE, text, JobMessage::fromJson));
    assertEquals(
        m,
        quiet.parseOrDeadLetter(
            QUEUE, text.getBytes(StandardCharsets.UTF_8), JobMessage::fromJson));
    assertEquals(m, quiet.parseOrDeadLetter(QUEUE, m.toJson(), JobMessage::fromJson));
    assertEquals(0, h.outboxCount());
  }

  @Test
  void theEngineIntakePublishesDeadLettersToTheDeadLetterQueue() {
    assertNull(h.engine.intake().parseOrDeadLetter(QUEUE, "{{{", JobMessage::fromJson));
    h.publishAll();
    List<JsonObject> dead = h.take(Destination.DEAD_LETTERS);
    assertEquals(1, dead.size());
    assertEquals("{{{", dead.get(0).getString("original"));
    assertTrue(dead.get(0).getString("reason").startsWith("not a JSON object"));
    assertEquals(0, h.outboxCount());
  }

  @Test
  void aTaskTypeTheWorkerDoesNotRunIsDeadLetteredAndItsTaskFailed() {
    // Documented on TaskConsumer: the message is dead-lettered with the reason and the task is
    // failed with UNKNOWN_TASK_TYPE, so its stage and job end instead of waiting forever.
    String jobId =
        Sql.await(
                h.quietSubmission()
                    .submit(
                        "hello_world", new JsonObject().put("n", 1).put("message", "misrouted")))
            .job()
            .jobId();
    h.publishAll();
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(h.take(Destination.JOBS).get(0))));
    h.publishAll();
    JsonObject greeting = h.take(Destination.RASTER_TASKS).get(0);
    TaskConsumer vectorWorker =
        new TaskConsumer(quiet, h.quietExecutor(List.of(new HelloWorldHandlers.Reply())));

    TaskConsumer.Result result = vectorWorker.accept("geomachine.tasks.vector", greeting.encode());

    assertEquals("dead_lettered", result.outcome());
    List<Row> rows = Sql.rows(h.pool, "SELECT destination, payload FROM app.outbox ORDER BY id");
    assertEquals(
        List.of(Destination.DEAD_LETTERS.logicalName(), Destination.JOBS.logicalName()),
        rows.stream().map(r -> r.getString("destination")).toList(),
        "one dead letter, then the stage_completed of the stage the failed task ended");
    JsonObject dl = rows.get(0).getJsonObject("payload");
    assertTrue(dl.getString("reason").contains("hello_world_greeting"), dl.getString("reason"));
    assertEquals(0, h.taskCount(jobId, 1, "queued"));
    assertEquals(
        1, h.taskCount(jobId, 1, "failed"), "the misrouted task is failed with the reason");
  }
}
