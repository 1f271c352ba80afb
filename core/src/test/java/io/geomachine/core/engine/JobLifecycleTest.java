package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Failure, resubmission and re-run of jobs. */
class JobLifecycleTest {
  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_engine_lifecycle");
    h = new EngineHarness(db.pool());
  }

  @BeforeEach
  void reset() {
    h.reset();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static void run() {
    h.runToEnd(h.quietMachine(), h.quietExecutor(EngineHarness.helloHandlers()));
  }

  @Test
  void failureRateOneFailsTheJobNamingTheStage() {
    JsonObject params =
        new JsonObject().put("n", 2).put("message", "doomed").put("failure_rate", 1);
    String jobId = Sql.await(h.quietSubmission().submit("hello_world", params)).job().jobId();
    run();
    Job job = h.job(jobId);
    assertEquals(JobStatus.FAILED, job.status());
    String error = job.errorDetails();
    assertTrue(error.contains("stage 1 (greet)"), error);
    assertTrue(error.contains("2 of 2 tasks failed"), error);
    assertTrue(error.contains("INJECTED_FAILURE"), error);
    assertEquals(2, h.taskCount(jobId, 1, "failed"));
    assertEquals(0, h.taskCount(jobId, 2, null), "no stage 2 after a failed stage 1");
    assertEquals(2, job.stageResults().getJsonObject("1").getInteger("failed"));
    assertNull(job.resultData());
    assertEquals(1, job.stage());
  }

  @Test
  void resubmittingReturnsTheExistingJobAndQueuesNothing() {
    JsonObject params = new JsonObject().put("n", 3).put("message", "again");
    JobSubmission.Submission first = Sql.await(h.quietSubmission().submit("hello_world", params));
    assertTrue(first.created());
    assertEquals(1, h.outboxCount(Destination.JOBS, first.job().jobId()));

    JobSubmission.Submission second = Sql.await(h.quietSubmission().submit("hello_world", params));
    assertFalse(second.created());
    assertEquals(first.job().jobId(), second.job().jobId());
    // failure_rate is not part of the identity: still the same job
    JobSubmission.Submission third =
        Sql.await(
            h.quietSubmission().submit("hello_world", params.copy().put("failure_rate", 0.5)));
    assertFalse(third.created());
    assertEquals(first.job().jobId(), third.job().jobId());
    assertEquals(0.0, third.job().parameters().getDouble("failure_rate"));
    assertEquals(1, h.outboxCount(Destination.JOBS, first.job().jobId()), "one start message");
    assertEquals(
        1,
        Sql.count(h.pool, "SELECT count(*) FROM app.jobs WHERE job_id = $1", first.job().jobId()));

    run();
    JobSubmission.Submission afterDone =
        Sql.await(h.quietSubmission().submit("hello_world", params));
    assertFalse(afterDone.created());
    assertEquals(JobStatus.COMPLETED, afterDone.job().status());
    assertEquals(0, h.outboxCount());
  }

  @Test
  void aFailedJobCanBeRerunAndIsQueuedAgain() {
    JsonObject params = new JsonObject().put("n", 2).put("message", "rerun").put("failure_rate", 1);
    String jobId = Sql.await(h.quietSubmission().submit("hello_world", params)).job().jobId();
    run();
    assertEquals(JobStatus.FAILED, h.job(jobId).status());

    Job rerun = Sql.await(h.quietSubmission().rerun(jobId));
    assertEquals(JobStatus.QUEUED, rerun.status());
    Job stored = h.job(jobId);
    assertEquals(JobStatus.QUEUED, stored.status());
    assertEquals(1, stored.stage());
    assertTrue(stored.stageResults().isEmpty());
    assertNull(stored.errorDetails());
    assertNull(stored.resultData());
    assertEquals(0, h.taskCount(jobId, null, null));
    assertEquals(1, h.outboxCount(Destination.JOBS, jobId));
    h.publishAll();
    List<JsonObject> start = h.take(Destination.JOBS);
    assertEquals(List.of(JobMessage.startJob(jobId).toJson()), start);

    // It really runs again (and, with failure_rate 1 stored, fails again).
    Sql.await(h.quietMachine().handle(JobMessage.fromJson(start.get(0))));
    assertEquals(JobStatus.PROCESSING, h.job(jobId).status());
    assertEquals(2, h.taskCount(jobId, 1, "queued"));
    run();
    assertEquals(JobStatus.FAILED, h.job(jobId).status());
  }

  @Test
  void onlyFinishedUnsuccessfulJobsCanBeRerun() {
    String done =
        Sql.await(
                h.quietSubmission()
                    .submit("hello_world", new JsonObject().put("n", 1).put("message", "fine")))
            .job()
            .jobId();
    GeoMachineException queued =
        assertThrows(GeoMachineException.class, () -> Sql.await(h.quietSubmission().rerun(done)));
    assertEquals(ErrorCode.INVALID_STATE, queued.code());
    run();
    GeoMachineException completed =
        assertThrows(GeoMachineException.class, () -> Sql.await(h.quietSubmission().rerun(done)));
    assertEquals(ErrorCode.INVALID_STATE, completed.code());
    assertTrue(completed.getMessage().contains("completed"), completed.getMessage());
    GeoMachineException unknown =
        assertThrows(
            GeoMachineException.class, () -> Sql.await(h.quietSubmission().rerun("f".repeat(64))));
    assertEquals(ErrorCode.JOB_NOT_FOUND, unknown.code());
    assertEquals(0, h.outboxCount());
  }

  @Test
  void invalidSubmissionsWriteNothing() {
    long jobs = Sql.count(h.pool, "SELECT count(*) FROM app.jobs");
    GeoMachineException badType =
        assertThrows(
            GeoMachineException.class,
            () -> Sql.await(h.quietSubmission().submit("no_such_job", new JsonObject())));
    assertEquals(ErrorCode.UNKNOWN_JOB_TYPE, badType.code());
    assertTrue(badType.getMessage().contains("hello_world"), badType.getMessage());
    GeoMachineException badParams =
        assertThrows(
            GeoMachineException.class,
            () ->
                Sql.await(h.quietSubmission().submit("hello_world", new JsonObject().put("n", 0))));
    assertEquals(ErrorCode.INVALID_PARAMETERS, badParams.code());
    assertEquals(jobs, Sql.count(h.pool, "SELECT count(*) FROM app.jobs"));
    assertEquals(0, h.outboxCount());
  }
}
