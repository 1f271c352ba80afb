package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.DeadLetterOffice.Action;
import io.geomachine.core.engine.DeadLetterOffice.PoisonReport;
import io.geomachine.core.engine.DeadLetterOffice.Redrive;
import io.geomachine.core.engine.DeadLetterOffice.RedriveTargets;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.DeadLetteredMessage;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.DeadLetterRepository;
import io.geomachine.core.repository.DeadLetterRepository.Filter;
import io.geomachine.core.repository.DeadLetterRepository.NewDeadLetter;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters on the real database: every dead-lettered message is recorded with the job and task
 * it names; a message from the broker's DLQ fails the open task it names through the completion
 * function (ending its stage when it was the last task) or the open job a job command names; and
 * re-driving sends the original message again through the outbox, or says why it cannot.
 */
class DeadLetterOfficeTest {
  private static final String JOBS_CHANNEL = "jobs";
  private static final RedriveTargets TARGETS =
      new RedriveTargets()
          .queue(Destination.JOBS, "geomachine.jobs", "jobs")
          .queue(Destination.RASTER_TASKS, "geomachine.tasks.raster", "raster-tasks")
          .queue(Destination.VECTOR_TASKS, "geomachine.tasks.vector", "vector-tasks");

  private static TestDatabase db;
  private static EngineHarness h;
  private static MessageIntake intake;
  private static DeadLetterOffice office;
  private static final DeadLetterRepository repo = new DeadLetterRepository();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_dead_letters");
    h = new EngineHarness(db.pool());
    intake =
        new MessageIntake(h.pool, h.engine.jobs(), h.engine.tasks(), h.engine.outbox(), () -> {});
    office =
        new DeadLetterOffice(
            h.pool, h.engine.jobs(), h.engine.tasks(), h.engine.outbox(), repo, () -> {});
  }

  @BeforeEach
  void clean() {
    h.reset();
    Sql.update(
        h.pool,
        "TRUNCATE app.outbox, app.dead_letters, app.stage_progress, app.tasks, app.jobs CASCADE");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  // --- recording ---------------------------------------------------------------------------

  @Test
  void aMessageThatDoesNotParseIsRecordedWithItsReasonInTheTransactionOfItsEnvelope() {
    assertNull(intake.parseOrDeadLetter(JOBS_CHANNEL, "this is {not json", JobMessage::fromJson));

    DeadLetteredMessage d = onlyDeadLetter();
    assertEquals(JOBS_CHANNEL, d.source());
    assertEquals("this is {not json", d.payload());
    assertTrue(d.reason().startsWith("not a JSON object"), d.reason());
    assertNull(d.jobId());
    assertNull(d.taskId());
    assertNotNull(d.deadLetteredAt());
    assertNull(d.redrivenAt());
    assertEquals(0, d.redriveCount());
    assertEquals(1, h.outboxCount(Destination.DEAD_LETTERS, null), "the envelope is still sent");
  }

  @Test
  void theJobAndTaskAMessageNamesAreRecorded() {
    String jobId = Sql.newJobId();
    JsonObject unversioned =
        new TaskMessage(jobId.substring(0, 40) + "-s1-0", jobId, "t", 1).toJson();
    unversioned.remove("schema_version");

    assertNull(intake.parseOrDeadLetter("raster-tasks", unversioned, TaskMessage::fromJson));

    DeadLetteredMessage d = onlyDeadLetter();
    assertEquals(jobId, d.jobId());
    assertEquals(jobId.substring(0, 40) + "-s1-0", d.taskId());
    assertEquals("task message: missing schema_version", d.reason());
    assertEquals(unversioned, new JsonObject(d.payload()));
  }

  @Test
  void idsThatDoNotFitTheirColumnsAreNotTakenAndNulCharactersDoNotBreakRecording() {
    NewDeadLetter tooLong =
        NewDeadLetter.of(
            "x".repeat(300),
            new JsonObject().put("job_id", "j".repeat(65)).put("task_id", 42).encode(),
            "r");
    assertEquals(200, tooLong.source().length());
    assertNull(tooLong.jobId());
    assertNull(tooLong.taskId());

    // PostgreSQL text and jsonb cannot hold NUL; recording must not fail (or the message would be
    // redelivered forever).
    assertNull(intake.parseOrDeadLetter(JOBS_CHANNEL, "bad\u0000bytes", JobMessage::fromJson));
    DeadLetteredMessage d = onlyDeadLetter();
    assertEquals("bad\uFFFDbytes", d.payload());
    assertEquals(1, h.outboxCount(Destination.DEAD_LETTERS, null));
  }

  @Test
  void listingFiltersBySourceJobAndTimeAndPagesNewestFirst() {
    String jobA = Sql.newJobId();
    String jobB = Sql.newJobId();
    long first = insert("jobs", new JsonObject().put("job_id", jobA).encode());
    long second = insert("raster-tasks", new JsonObject().put("job_id", jobB).encode());
    long third = insert("jobs", "plain text");
    Sql.update(
        h.pool,
        "UPDATE app.dead_letters SET dead_lettered_at = dead_lettered_at - interval '2 days'"
            + " WHERE id = $1",
        first);

    assertEquals(List.of(third, second, first), ids(new Filter(null, null, null, 10, 0)));
    assertEquals(List.of(third, first), ids(new Filter("jobs", null, null, 10, 0)));
    assertEquals(List.of(second), ids(new Filter(null, jobB, null, 10, 0)));
    assertEquals(List.of(), ids(new Filter("raster-tasks", jobA, null, 10, 0)));
    LocalDateTime yesterday = LocalDateTime.now().minusDays(1);
    assertEquals(List.of(third, second), ids(new Filter(null, null, yesterday, 10, 0)));
    assertEquals(List.of(second), ids(new Filter(null, null, null, 1, 1)));
  }

  @Test
  void findingAnUnknownDeadLetterIsNotFound() {
    GeoMachineException e =
        assertThrows(GeoMachineException.class, () -> Sql.await(office.find(987654)));
    assertEquals(ErrorCode.NOT_FOUND, e.code());
    assertTrue(e.getMessage().contains("987654"), e.getMessage());
  }

  // --- poison messages from the broker's DLQ ---------------------------------------------------

  @Test
  void aPoisonTaskMessageFailsItsOpenTaskAndItsStageCompletes() {
    Started s = startHello(1);
    String taskId = s.taskIds().get(0);

    PoisonReport report =
        Sql.await(office.recordPoison(s.taskMessage(0).encode(), "geomachine.tasks.raster"));

    assertEquals(Action.TASK_FAILED, report.action());
    assertEquals(taskId, report.taskId());
    assertEquals(s.jobId(), report.jobId());
    Row task = taskRow(taskId);
    assertEquals("failed", task.getString("status"));
    assertEquals(
        "POISON_MESSAGE: delivery attempts exhausted (broker DLQ) from geomachine.tasks.raster",
        task.getString("error_details"));
    DeadLetteredMessage d = onlyDeadLetter();
    assertEquals(report.deadLetterId(), d.id());
    assertEquals(DeadLetterOffice.BROKER_DLQ, d.source());
    assertEquals(
        "delivery attempts exhausted (broker DLQ) from geomachine.tasks.raster", d.reason());
    assertEquals(taskId, d.taskId());
    assertEquals(s.jobId(), d.jobId());

    // The last task of the stage: stage_completed was written in the same transaction, and it
    // ends the job (hello_world fails a job whose stage had a failed task).
    assertEquals(1, h.outboxCount(Destination.JOBS, s.jobId()));
    h.publishAll();
    List<JsonObject> jobs = h.take(Destination.JOBS);
    assertEquals(List.of(JobMessage.stageCompleted(s.jobId(), 1).toJson()), jobs);
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(jobs.get(0))));
    assertEquals(JobStatus.FAILED, h.job(s.jobId()).status());
  }

  @Test
  void aPoisonTaskMessageForATaskThatIsNotTheLastOfItsStageSendsNoStageCompleted() {
    Started s = startHello(2);

    PoisonReport report = Sql.await(office.recordPoison(s.taskMessage(0).encode(), null));

    assertEquals(Action.TASK_FAILED, report.action());
    assertEquals("failed", taskRow(s.taskIds().get(0)).getString("status"));
    assertEquals("queued", taskRow(s.taskIds().get(1)).getString("status"));
    assertEquals(
        "delivery attempts exhausted (broker DLQ)", onlyDeadLetter().reason(), "no address known");
    assertEquals(0, h.outboxCount(Destination.JOBS, s.jobId()));
  }

  @Test
  void aPoisonRetryMessageFailsTheTaskWaitingForIt() {
    Started s = startHello(1);
    String taskId = s.taskIds().get(0);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, taskId, "w1", 30)));
    assertNotNull(Sql.await(h.engine.tasks().scheduleRetry(h.pool, taskId, "w1", "boom", 0)));
    assertEquals("pending_retry", taskRow(taskId).getString("status"));

    PoisonReport report = Sql.await(office.recordPoison(s.taskMessage(0).encode(), null));

    assertEquals(Action.TASK_FAILED, report.action());
    assertEquals("failed", taskRow(taskId).getString("status"));
    assertEquals(1, h.outboxCount(Destination.JOBS, s.jobId()));
  }

  @Test
  void aTaskThatIsRunningUnderALeaseOrFinishedIsLeftAlone() {
    Started s = startHello(2);
    String running = s.taskIds().get(0);
    String done = s.taskIds().get(1);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, running, "w1", 300)));
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, done, "w2", 300)));
    assertTrue(
        Sql.await(h.engine.tasks().complete(h.pool, done, s.jobId(), 1, new JsonObject(), null))
            .taskUpdated());

    assertEquals(
        Action.TASK_NOT_OPEN,
        Sql.await(office.recordPoison(s.taskMessage(0).encode(), null)).action());
    assertEquals(
        Action.TASK_NOT_OPEN,
        Sql.await(office.recordPoison(s.taskMessage(1).encode(), null)).action());

    Row r = taskRow(running);
    assertEquals("processing", r.getString("status"));
    assertEquals("w1", r.getString("worker_id"), "the worker still holds its lease");
    assertEquals("completed", taskRow(done).getString("status"));
    assertEquals(0, h.outboxCount(Destination.JOBS, s.jobId()));
    assertEquals(2, Sql.count(h.pool, "SELECT count(*) FROM app.dead_letters"), "both recorded");
  }

  @Test
  void aPoisonJobCommandFailsItsQueuedJob() {
    String jobId = submitHello(2);

    PoisonReport report =
        Sql.await(office.recordPoison(JobMessage.startJob(jobId).toJson().encode(), null));

    assertEquals(Action.JOB_FAILED, report.action());
    assertNull(report.taskId());
    assertEquals(JobStatus.FAILED, h.job(jobId).status());
    assertEquals(
        "POISON_MESSAGE: delivery attempts exhausted (broker DLQ)", h.job(jobId).errorDetails());
  }

  @Test
  void aPoisonStageCompletedFailsItsProcessingJobAndCancelsItsTasksNotStarted() {
    Started s = startHello(2);

    PoisonReport report =
        Sql.await(
            office.recordPoison(JobMessage.stageCompleted(s.jobId(), 1).toJson().encode(), null));

    assertEquals(Action.JOB_FAILED, report.action());
    assertEquals(JobStatus.FAILED, h.job(s.jobId()).status());
    assertEquals(2, h.taskCount(s.jobId(), 1, "cancelled"));
  }

  @Test
  void aPoisonJobCommandForAFinishedJobChangesNothing() {
    String jobId = submitHello(1);
    Sql.update(h.pool, "UPDATE app.jobs SET status = 'cancelled' WHERE job_id = $1", jobId);

    PoisonReport report =
        Sql.await(office.recordPoison(JobMessage.startJob(jobId).toJson().encode(), null));

    assertEquals(Action.JOB_NOT_OPEN, report.action());
    assertEquals(JobStatus.CANCELLED, h.job(jobId).status());
  }

  @Test
  void aPoisonMessageThatNamesNothingIsOnlyRecorded() {
    PoisonReport report = Sql.await(office.recordPoison("\u0001garbage".getBytes(), null));
    assertEquals(Action.NOTHING_NAMED, report.action());
    assertEquals("\u0001garbage", onlyDeadLetter().payload());
    assertEquals(0, h.outboxCount());
  }

  // --- re-drive ---------------------------------------------------------------------------------

  @Test
  void redrivingSendsTheOriginalMessageToItsSourceQueueAndCountsTheRedrive() {
    JsonObject message = JobMessage.startJob(Sql.newJobId()).toJson();
    long id = insert("geomachine.jobs", message.encode());

    Redrive r = Sql.await(office.redrive(id, null, TARGETS));

    assertEquals(Destination.JOBS, r.destination());
    assertEquals("geomachine.jobs", r.queue());
    assertEquals(1, r.deadLetter().redriveCount());
    assertNotNull(r.deadLetter().redrivenAt());
    h.publishAll();
    assertEquals(List.of(message), h.take(Destination.JOBS));

    assertEquals(2, Sql.await(office.redrive(id, null, TARGETS)).deadLetter().redriveCount());
  }

  @Test
  void aMisroutedTaskMessageIsRedrivenToTheQueueNamed() {
    Started s = startHello(1);
    long id = insert("vector-tasks", s.taskMessage(0).encode());

    GeoMachineException again =
        assertThrows(
            GeoMachineException.class,
            () -> Sql.await(office.redrive(id, Destination.JOBS, TARGETS)));
    assertEquals(ErrorCode.INVALID_STATE, again.code());
    assertTrue(again.getMessage().contains("not a valid message"), again.getMessage());

    Redrive r = Sql.await(office.redrive(id, Destination.RASTER_TASKS, TARGETS));

    assertEquals("geomachine.tasks.raster", r.queue());
    h.publishAll();
    assertEquals(List.of(s.taskMessage(0)), h.take(Destination.RASTER_TASKS));
    assertEquals(List.of(), h.take(Destination.VECTOR_TASKS));
  }

  @Test
  void whatCannotBeRedrivenIsRefusedWithTheReason() {
    long notJson = insert("jobs", "this is {not json");
    long dlq = insert(DeadLetterOffice.BROKER_DLQ, JobMessage.startJob(Sql.newJobId()).toJson());
    long unknownSource = insert("somewhere.else", JobMessage.startJob(Sql.newJobId()).toJson());

    GeoMachineException e1 = refused(notJson);
    assertTrue(e1.getMessage().contains("never parsed as a JSON object"), e1.getMessage());
    assertTrue(e1.getMessage().contains("because: r"), e1.getMessage());
    assertEquals(notJson, e1.details().get("dead_letter_id"));
    GeoMachineException e2 = refused(dlq);
    assertTrue(e2.getMessage().contains("broker's DLQ"), e2.getMessage());
    assertTrue(e2.getMessage().contains("/rerun"), e2.getMessage());
    GeoMachineException e3 = refused(unknownSource);
    assertTrue(e3.getMessage().contains("'somewhere.else'"), e3.getMessage());
    assertEquals(
        List.of("geomachine.jobs", "geomachine.tasks.raster", "geomachine.tasks.vector"),
        e3.details().get("redrivable_queues"));

    long jobCommand = insert("jobs", JobMessage.startJob(Sql.newJobId()).toJson());
    GeoMachineException e4 =
        assertThrows(
            GeoMachineException.class,
            () -> Sql.await(office.redrive(jobCommand, Destination.RASTER_TASKS, TARGETS)));
    assertEquals(ErrorCode.INVALID_STATE, e4.code());
    assertTrue(
        e4.getMessage().contains("geomachine.tasks.raster: it is not a valid message"),
        e4.getMessage());

    GeoMachineException missing =
        assertThrows(
            GeoMachineException.class, () -> Sql.await(office.redrive(424242, null, TARGETS)));
    assertEquals(ErrorCode.NOT_FOUND, missing.code());

    assertEquals(0, h.outboxCount(), "nothing was sent");
    assertEquals(
        0, Sql.count(h.pool, "SELECT count(*) FROM app.dead_letters WHERE redrive_count > 0"));
  }

  // --- helpers
  // ------------------------------------------------------------------------------------

  private static GeoMachineException refused(long id) {
    GeoMachineException e =
        assertThrows(GeoMachineException.class, () -> Sql.await(office.redrive(id, null, TARGETS)));
    assertEquals(ErrorCode.INVALID_STATE, e.code(), e.getMessage());
    return e;
  }

  private static long insert(String source, Object payload) {
    return Sql.await(
        h.pool.withTransaction(
            c -> repo.insert(c, NewDeadLetter.of(source, String.valueOf(payload), "r"))));
  }

  private static List<Long> ids(Filter f) {
    return Sql.await(office.list(f)).stream().map(DeadLetteredMessage::id).toList();
  }

  private static DeadLetteredMessage onlyDeadLetter() {
    List<DeadLetteredMessage> all = Sql.await(office.list(new Filter(null, null, null, 10, 0)));
    assertEquals(1, all.size(), "exactly one dead letter: " + all);
    return all.get(0);
  }

  private static Row taskRow(String taskId) {
    return Sql.row(
        h.pool,
        "SELECT status::text AS status, error_details, worker_id FROM app.tasks WHERE task_id = $1",
        taskId);
  }

  /** A processing hello_world job at stage 1, its tasks created and their messages taken. */
  record Started(String jobId, List<String> taskIds, List<JsonObject> taskMessages) {
    JsonObject taskMessage(int i) {
      return taskMessages.get(i);
    }
  }

  private static String submitHello(int n) {
    return Sql.await(
            h.quietSubmission()
                .submit(
                    "hello_world",
                    new JsonObject().put("n", n).put("message", "dl " + UUID.randomUUID())))
        .job()
        .jobId();
  }

  private static Started startHello(int n) {
    String jobId = submitHello(n);
    h.publishAll();
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(h.take(Destination.JOBS).get(0))));
    h.publishAll();
    List<JsonObject> messages = h.take(Destination.RASTER_TASKS);
    assertEquals(n, messages.size());
    List<String> ids = messages.stream().map(m -> m.getString("task_id")).toList();
    return new Started(jobId, ids, messages);
  }
}
