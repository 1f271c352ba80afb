package io.geomachine.core.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generated transition triggers accept exactly the transitions the Java state machines declare,
 * and reject every other one with SQLSTATE GM001.
 */
class TransitionTriggerTest {
  private static final AtomicInteger SEQ = new AtomicInteger();
  private static TestDatabase db;
  private static Pool pool;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_transitions");
    pool = db.pool();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static String newJobId() {
    return Sql.newJobId();
  }

  /** Null when the update succeeded, else the SQLSTATE and message. */
  private static String tryUpdate(String sql, Object... args) {
    try {
      Sql.update(pool, sql, args);
      return null;
    } catch (PgException e) {
      return e.getSqlState() + " " + e.getErrorMessage();
    }
  }

  @Test
  void jobTriggerMatchesJobStatus() {
    List<String> mismatches = new ArrayList<>();
    for (JobStatus from : JobStatus.values()) {
      for (JobStatus to : JobStatus.values()) {
        String job = newJobId();
        Sql.insertJob(pool, job, from.sqlValue(), 1, 1);
        String error =
            tryUpdate(
                "UPDATE app.jobs SET status = $2::app.job_status WHERE job_id = $1",
                job,
                to.sqlValue());
        boolean allowed = from == to || from.canMoveTo(to);
        String expectedError =
            "GM001 illegal jobs status transition " + from.sqlValue() + " -> " + to.sqlValue();
        if (allowed ? error != null : !expectedError.equals(error)) {
          mismatches.add(from + " -> " + to + ": " + (error == null ? "accepted" : error));
        }
      }
    }
    assertTrue(mismatches.isEmpty(), "trigger disagrees with JobStatus: " + mismatches);
  }

  @Test
  void taskTriggerMatchesTaskStatus() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 1);
    List<String> mismatches = new ArrayList<>();
    for (TaskStatus from : TaskStatus.values()) {
      for (TaskStatus to : TaskStatus.values()) {
        String task = job.substring(0, 20) + "-" + SEQ.incrementAndGet();
        Sql.insertTask(pool, task, job, 1, "0", from.sqlValue());
        String error =
            tryUpdate(
                "UPDATE app.tasks SET status = $2::app.task_status WHERE task_id = $1",
                task,
                to.sqlValue());
        boolean allowed = from == to || from.canMoveTo(to);
        String expectedError =
            "GM001 illegal tasks status transition " + from.sqlValue() + " -> " + to.sqlValue();
        if (allowed ? error != null : !expectedError.equals(error)) {
          mismatches.add(from + " -> " + to + ": " + (error == null ? "accepted" : error));
        }
      }
    }
    assertTrue(mismatches.isEmpty(), "trigger disagrees with TaskStatus: " + mismatches);
  }

  @Test
  void aCompletedJobCannotGoBackToProcessing() {
    String job = newJobId();
    Sql.insertJob(pool, job, "completed", 1, 1);
    PgException e =
        Sql.pgError(pool, "UPDATE app.jobs SET status = 'processing' WHERE job_id = $1", job);
    assertEquals("GM001", e.getSqlState());
    assertEquals(AppSchemaGenerator.ILLEGAL_TRANSITION_SQLSTATE, e.getSqlState());
    assertEquals(
        "completed",
        Sql.row(pool, "SELECT status::text FROM app.jobs WHERE job_id = $1", job).getString(0));
  }

  @Test
  void aQueuedTaskCannotJumpToCompleted() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 1);
    Sql.insertTask(pool, "jump-" + job.substring(50), job, 1, "0", "queued");
    PgException e =
        Sql.pgError(
            pool,
            "UPDATE app.tasks SET status = 'completed' WHERE task_id = $1",
            "jump-" + job.substring(50));
    assertEquals("GM001", e.getSqlState());
    assertTrue(e.getErrorMessage().contains("queued -> completed"), e.getErrorMessage());
  }

  @Test
  void updatesThatLeaveTheStatusAloneAreNotGuarded() {
    String job = newJobId();
    Sql.insertJob(pool, job, "completed", 1, 1);
    assertEquals(
        1,
        Sql.update(pool, "UPDATE app.jobs SET metadata = '{\"note\":1}' WHERE job_id = $1", job));
  }
}
