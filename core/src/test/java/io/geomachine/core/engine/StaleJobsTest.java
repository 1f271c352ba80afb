package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.backdate;
import static io.geomachine.core.engine.TaskExecutionSupport.start;
import static io.geomachine.core.engine.TaskExecutionSupport.task;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The stale horizon: a job still open after it is failed with STALE_JOB and every open task of it
 * is cancelled (a running one loses its lease); younger jobs and finished ones are left alone.
 */
class StaleJobsTest {
  private static final Duration HORIZON = Duration.ofHours(24);
  private static final Duration OLDER = Duration.ofHours(25);

  private static TestDatabase db;
  private static EngineHarness h;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_stale_jobs");
    h = new EngineHarness(db.pool(), TaskExecutionSupport.registry());
  }

  @BeforeEach
  void clean() {
    TaskExecutionSupport.clean(h);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static PassReport pass() {
    return Sql.await(h.engine.staleJobs().run(HORIZON, 100));
  }

  @Test
  void aJobPastTheHorizonFailsWithStaleJobAndItsOpenTasksAreCancelled() {
    Started stale = start(h, "stale", 3);
    assertNotNull(Sql.await(h.engine.tasks().claim(h.pool, stale.taskId(0), "slow-worker", 600)));
    backdate(h.pool, stale.jobId(), OLDER);
    Started young = start(h, "young", 1);

    PassReport report = pass();

    assertFalse(report.skipped());
    assertEquals(1, report.scanned());
    assertEquals(1, report.fixed());
    JsonObject action = report.actions().getJsonArray("failed").getJsonObject(0);
    assertEquals(stale.jobId(), action.getString("job_id"));
    assertEquals("processing", action.getString("was"));
    assertEquals(3, action.getInteger("tasks_cancelled"));
    Job failed = h.job(stale.jobId());
    assertEquals(JobStatus.FAILED, failed.status());
    assertTrue(failed.errorDetails().startsWith("STALE_JOB: still processing at stage 1"));
    for (int i = 0; i < 3; i++) {
      assertEquals("cancelled", task(h.pool, stale.taskId(i)).status());
    }
    assertFalse(
        Sql.await(h.engine.tasks().renewLease(h.pool, stale.taskId(0), "slow-worker", 600))
            .leaseHeld(),
        "the running task's worker loses its lease at its next heartbeat");
    assertEquals(JobStatus.PROCESSING, h.job(young.jobId()).status());
    Row run = Sql.row(h.pool, "SELECT * FROM app.janitor_runs WHERE run_type = 'stale_jobs'");
    assertEquals(1, run.getInteger("items_fixed"));
    assertEquals("completed", run.getString("status"));
    assertEquals(0, pass().fixed(), "a failed job is not stale any more");
  }

  @Test
  void aQueuedJobPastTheHorizonFailsToo() {
    String jobId =
        Sql.await(
                h.quietSubmission()
                    .submit(
                        TaskExecutionSupport.WorkJob.TYPE,
                        new JsonObject().put("n", 1).put("tag", "never-started")))
            .job()
            .jobId();
    backdate(h.pool, jobId, OLDER);
    assertEquals(1, pass().fixed());
    assertEquals(JobStatus.FAILED, h.job(jobId).status());
  }

  @Test
  void aJobThatChangedWithinTheHorizonIsNotStale() {
    Started job = start(h, "moving", 1);
    backdate(h.pool, job.jobId(), OLDER);
    Sql.update(
        h.pool, "UPDATE app.jobs SET metadata = '{\"touched\":1}' WHERE job_id = $1", job.jobId());
    assertEquals(0, pass().scanned());
  }

  @Test
  void twoPassesAtOnceFailAStaleJobOnce() {
    Started job = start(h, "race", 2);
    backdate(h.pool, job.jobId(), OLDER);
    PassReport acted = PassRace.race(h.pool, () -> h.engine.staleJobs().run(HORIZON, 100));
    assertEquals(1, acted.fixed());
    assertEquals(
        1,
        Sql.count(h.pool, "SELECT count(*) FROM app.janitor_runs WHERE run_type = 'stale_jobs'"));
  }
}
