package io.geomachine.core.schema;

import static io.geomachine.core.testing.Sql.insertJob;
import static io.geomachine.core.testing.Sql.insertTask;
import static io.geomachine.core.testing.Sql.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app schema's functions and constraints, on the real database. */
class AppSchemaFunctionsTest {
  private static TestDatabase db;
  private static Pool pool;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_schema_functions");
    pool = db.pool();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static String newJobId() {
    return Sql.newJobId();
  }

  private static String status(String table, String idColumn, String id) {
    return row(pool, "SELECT status::text FROM app." + table + " WHERE " + idColumn + " = $1", id)
        .getString(0);
  }

  private static Row advance(String jobId, int stage, JsonObject results) {
    return row(pool, "SELECT * FROM app.advance_job_stage($1, $2, $3)", jobId, stage, results);
  }

  @Test
  void stageMayNotExceedTotalStages() {
    String job = newJobId();
    insertJob(pool, job, "processing", 2, 2);
    PgException e = Sql.pgError(pool, "UPDATE app.jobs SET stage = 3 WHERE job_id = $1", job);
    assertEquals("23514", e.getSqlState());
    assertEquals("ck_jobs_stage_range", e.getConstraint());
    e =
        Sql.pgError(
            pool,
            "INSERT INTO app.jobs (job_id, job_type, stage, total_stages) VALUES ($1, 'x', 0, 1)",
            newJobId());
    assertEquals("ck_jobs_stage_range", e.getConstraint());
  }

  @Test
  void taskChecksRejectBadStageAndRetryCount() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 1);
    PgException e =
        Sql.pgError(
            pool,
            "INSERT INTO app.tasks (task_id, parent_job_id, job_type, task_type, stage)"
                + " VALUES ('bad', $1, 'x', 'y', 0)",
            job);
    assertEquals("ck_tasks_stage_positive", e.getConstraint());
    insertTask(pool, job + "-t", job, 1, "0", "queued");
    e = Sql.pgError(pool, "UPDATE app.tasks SET retry_count = -1 WHERE task_id = $1", job + "-t");
    assertEquals("ck_tasks_retry_count_non_negative", e.getConstraint());
  }

  @Test
  void completingATaskThatIsNotProcessingChangesNothing() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 1);
    insertTask(pool, job + "-q", job, 1, "0", "queued");
    Row r =
        row(
            pool,
            "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1, '{\"x\":1}'::jsonb)",
            job + "-q",
            job);
    assertFalse(r.getBoolean("task_updated"));
    assertFalse(r.getBoolean("is_last_task_in_stage"));
    assertEquals("queued", status("tasks", "task_id", job + "-q"));
    assertNull(
        row(pool, "SELECT result_data FROM app.tasks WHERE task_id = $1", job + "-q").getValue(0));
  }

  @Test
  void completingTasksCountsTheOpenOnesOfTheStage() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 2);
    insertTask(pool, job + "-a", job, 1, "0", "processing");
    insertTask(pool, job + "-b", job, 1, "1", "processing");
    insertTask(pool, job + "-c", job, 2, "0", "queued"); // another stage: not counted
    Row first =
        row(pool, "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1)", job + "-a", job);
    assertTrue(first.getBoolean("task_updated"));
    assertFalse(first.getBoolean("is_last_task_in_stage"));
    assertEquals(1, first.getInteger("remaining_tasks"));
    assertEquals(job, first.getString("job_id"));
    assertEquals(1, first.getInteger("stage_number"));
    Row second =
        row(
            pool,
            "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1, NULL, 'boom')",
            job + "-b",
            job);
    assertTrue(second.getBoolean("is_last_task_in_stage"));
    assertEquals(0, second.getInteger("remaining_tasks"));
    assertEquals("failed", status("tasks", "task_id", job + "-b"));
    assertEquals(
        "boom",
        row(pool, "SELECT error_details FROM app.tasks WHERE task_id = $1", job + "-b")
            .getString(0));
    Row again =
        row(pool, "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1)", job + "-a", job);
    assertFalse(again.getBoolean("task_updated"));
  }

  @Test
  void incrementRetryCountOnlyActsOnPendingRetry() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 1);
    for (String s : new String[] {"queued", "processing", "completed", "failed", "retrying"}) {
      String task = job + "-" + s;
      insertTask(pool, task, job, 1, s, s);
      Row r = row(pool, "SELECT * FROM app.increment_task_retry_count($1)", task);
      assertNull(r.getValue("new_retry_count"), s);
      assertEquals(s, status("tasks", "task_id", task));
      assertEquals(
          0, row(pool, "SELECT retry_count FROM app.tasks WHERE task_id = $1", task).getInteger(0));
    }
    String task = job + "-pending";
    insertTask(pool, task, job, 1, "p", "pending_retry");
    assertEquals(
        1, row(pool, "SELECT * FROM app.increment_task_retry_count($1)", task).getInteger(0));
    assertEquals("retrying", status("tasks", "task_id", task));
    assertNull(row(pool, "SELECT * FROM app.increment_task_retry_count($1)", task).getValue(0));
    assertNull(
        row(pool, "SELECT * FROM app.increment_task_retry_count('no-such-task')").getValue(0));
  }

  @Test
  void advanceJobStageIsACompareAndSet() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 2);
    Row first = advance(job, 1, new JsonObject().put("s", 1));
    assertTrue(first.getBoolean("job_updated"));
    assertEquals(2, first.getInteger("new_stage"));
    assertFalse(first.getBoolean("is_final_stage"));
    Row duplicate = advance(job, 1, new JsonObject().put("s", "dup"));
    assertFalse(duplicate.getBoolean("job_updated"));
    assertNull(duplicate.getValue("new_stage"));
    Row j =
        row(pool, "SELECT stage, status::text, stage_results FROM app.jobs WHERE job_id = $1", job);
    assertEquals(2, j.getInteger("stage"));
    assertEquals("processing", j.getString("status"));
    assertEquals(
        new JsonObject().put("1", new JsonObject().put("s", 1)), j.getJsonObject("stage_results"));
  }

  @Test
  void theFinalAdvanceFinishesTheJobWithItsResultAndKeepsTheStageInRange() {
    String job = newJobId();
    insertJob(pool, job, "processing", 2, 2);
    JsonObject result = new JsonObject().put("answer", 42);
    Row r =
        row(
            pool,
            "SELECT * FROM app.advance_job_stage($1, 2, $2, 'completed_with_errors', $3)",
            job,
            new JsonObject().put("s", 2),
            result);
    assertTrue(r.getBoolean("job_updated"));
    assertEquals(3, r.getInteger("new_stage"));
    assertTrue(r.getBoolean("is_final_stage"));
    Row j =
        row(
            pool,
            "SELECT stage, status::text, result_data, stage_results FROM app.jobs WHERE job_id = $1",
            job);
    assertEquals(2, j.getInteger("stage"));
    assertEquals("completed_with_errors", j.getString("status"));
    assertEquals(result, j.getJsonObject("result_data"));
    assertTrue(j.getJsonObject("stage_results").containsKey("2"));
    assertFalse(advance(job, 2, null).getBoolean("job_updated"));
    assertFalse(advance(job, 3, null).getBoolean("job_updated"));
  }

  @Test
  void theFinalAdvanceDefaultsToCompleted() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 1);
    Row r = advance(job, 1, null);
    assertTrue(r.getBoolean("is_final_stage"));
    assertEquals("completed", status("jobs", "job_id", job));
    assertEquals(1, row(pool, "SELECT stage FROM app.jobs WHERE job_id = $1", job).getInteger(0));
  }

  @Test
  void aJobThatIsNotProcessingDoesNotAdvance() {
    for (String s : new String[] {"queued", "failed", "cancelled", "completed"}) {
      String job = newJobId();
      insertJob(pool, job, s, 1, 2);
      assertFalse(advance(job, 1, null).getBoolean("job_updated"), s);
      assertEquals(s, status("jobs", "job_id", job));
    }
  }

  @Test
  void updatedAtIsMaintained() {
    String job = newJobId();
    insertJob(pool, job, "queued", 1, 1);
    Sql.update(pool, "UPDATE app.jobs SET updated_at = '2000-01-01' WHERE job_id = $1", job);
    Sql.update(pool, "UPDATE app.jobs SET metadata = '{\"a\":1}' WHERE job_id = $1", job);
    assertTrue(
        row(
                pool,
                "SELECT updated_at > NOW() - interval '1 hour' FROM app.jobs WHERE job_id = $1",
                job)
            .getBoolean(0));
  }

  @Test
  void checkJobCompletionReportsTasksOfAFinishedJob() {
    String job = newJobId();
    insertJob(pool, job, "processing", 1, 1);
    insertTask(pool, job + "-a", job, 1, "0", "processing");
    row(
        pool,
        "SELECT * FROM app.complete_task_and_check_stage($1, $2, 1, '{\"v\":1}')",
        job + "-a",
        job);
    Row r = row(pool, "SELECT * FROM app.check_job_completion($1)", job);
    assertTrue(r.getBoolean("job_complete"));
    assertEquals(1L, r.getLong("total_tasks"));
    assertEquals(1L, r.getLong("completed_tasks"));
    assertEquals(1, r.getJsonArray("task_results").size());
  }
}
