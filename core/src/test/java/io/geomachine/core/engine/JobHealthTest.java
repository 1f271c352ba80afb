package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.backdate;
import static io.geomachine.core.engine.TaskExecutionSupport.start;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.engine.TaskExecutionSupport.WorkJob;
import io.geomachine.core.job.FailurePolicy;
import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The job-health pass: a job whose stage has a failed task but that is still open (its task_failed
 * or stage_completed message lost) gets its failure policy applied through CoreMachine's own path:
 * FAIL_JOB fails it, COMPLETE_WITH_ERRORS ends it completed_with_errors once its stage is done and
 * lets it run on while tasks are open.
 */
class JobHealthTest {
  private static final int UNCHANGED_FOR = 60;
  private static final Duration OLDER = Duration.ofMinutes(5);

  /** WorkJob's stage under COMPLETE_WITH_ERRORS. */
  static final class TolerantJob implements JobDefinition {
    static final String TYPE = "tolerant_test";
    private final WorkJob inner = new WorkJob();

    @Override
    public String jobType() {
      return TYPE;
    }

    @Override
    public String description() {
      return "test job: WorkJob that completes with errors";
    }

    @Override
    public ParameterSchema parameters() {
      return inner.parameters();
    }

    @Override
    public FailurePolicy failurePolicy() {
      return FailurePolicy.COMPLETE_WITH_ERRORS;
    }

    @Override
    public List<StageDefinition> stages() {
      return inner.stages();
    }

    @Override
    public JsonObject result(JsonObject params, Map<Integer, List<TaskResult>> byStage) {
      return inner.result(params, byStage);
    }
  }

  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_job_health");
    h = new EngineHarness(db.pool(), new JobRegistry(List.of(new WorkJob(), new TolerantJob())));
  }

  @BeforeEach
  void clean() {
    TaskExecutionSupport.clean(h);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  /** Fails a task as a worker would, without the task_failed message (it was lost). */
  private static void failQuietly(Started job, int index) {
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(index))));
    Sql.await(
        h.engine
            .tasks()
            .complete(h.pool, job.taskId(index), job.jobId(), 1, null, "boom " + index));
  }

  private static void completeQuietly(Started job, int index) {
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, job.taskId(index))));
    Sql.await(
        h.engine
            .tasks()
            .complete(h.pool, job.taskId(index), job.jobId(), 1, new JsonObject(), null));
  }

  private static PassReport pass() {
    return Sql.await(h.engine.jobHealth().run(UNCHANGED_FOR, 100));
  }

  @Test
  void aFailJobJobWithAFailedTaskFailsAndItsWaitingTasksAreCancelled() {
    Started job = start(h, "fail-job", 3);
    failQuietly(job, 0);
    backdate(h.pool, job.jobId(), OLDER);
    Started recent = start(h, "recent", 2);
    failQuietly(recent, 0);

    PassReport report = pass();

    assertEquals(1, report.scanned());
    assertEquals(1, report.fixed());
    assertEquals(
        new JsonArray().add(job.jobId() + "/stage-1"), report.actions().getJsonArray("failed"));
    Job failed = h.job(job.jobId());
    assertEquals(JobStatus.FAILED, failed.status());
    assertTrue(
        failed
            .errorDetails()
            .startsWith("stage 1 (work): 1 of 3 tasks failed; first error: boom 0"),
        failed.errorDetails());
    assertEquals("cancelled", task(h.pool, job.taskId(1)).status());
    assertEquals(JobStatus.PROCESSING, h.job(recent.jobId()).status(), "recent: not yet");
  }

  @Test
  void aCompleteWithErrorsJobWhoseStageEndedFinishesCompletedWithErrors() {
    Started job = start(h, TolerantJob.TYPE, "tolerant", 2);
    failQuietly(job, 0);
    completeQuietly(job, 1);
    backdate(h.pool, job.jobId(), OLDER);

    PassReport report = pass();

    assertEquals(1, report.fixed());
    assertEquals(
        new JsonArray().add(job.jobId() + "/stage-1"),
        report.actions().getJsonArray("completed_with_errors"));
    assertEquals(JobStatus.COMPLETED_WITH_ERRORS, h.job(job.jobId()).status());
  }

  @Test
  void aCompleteWithErrorsJobWithOpenTasksRunsOn() {
    Started job = start(h, TolerantJob.TYPE, "running-on", 2);
    failQuietly(job, 0);
    backdate(h.pool, job.jobId(), OLDER);

    PassReport report = pass();

    assertEquals(1, report.scanned());
    assertEquals(0, report.fixed());
    assertEquals(
        new JsonArray().add(job.jobId() + "/stage-1"),
        report.actions().getJsonArray("left_running"));
    assertEquals(JobStatus.PROCESSING, h.job(job.jobId()).status());
    assertEquals("queued", task(h.pool, job.taskId(1)).status());
  }

  @Test
  void twoPassesAtOnceFailAJobOnce() {
    Started job = start(h, "race", 2);
    failQuietly(job, 0);
    backdate(h.pool, job.jobId(), OLDER);
    PassReport acted = PassRace.race(h.pool, () -> h.engine.jobHealth().run(UNCHANGED_FOR, 100));
    assertEquals(1, acted.fixed());
    assertEquals(JobStatus.FAILED, h.job(job.jobId()).status());
    assertEquals(
        1,
        Sql.count(h.pool, "SELECT count(*) FROM app.janitor_runs WHERE run_type = 'job_health'"));
  }
}
