package io.geomachine.core.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.model.TaskStatus;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class RepositoryTest {
  private static TestDatabase db;
  private static Pool pool;
  private final JobRepository jobs = new JobRepository();
  private final TaskRepository tasks = new TaskRepository();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_repository");
    pool = db.pool();
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private static String newJobId() {
    return Sql.newJobId();
  }

  @Test
  void anIllegalTransitionBecomesInvalidState() {
    String job = newJobId();
    Sql.insertJob(pool, job, "completed", 1, 1);
    GeoMachineException e =
        assertThrows(
            GeoMachineException.class,
            () -> Sql.await(jobs.transition(pool, job, JobStatus.COMPLETED, JobStatus.PROCESSING)));
    assertEquals(ErrorCode.INVALID_STATE, e.code());
    assertTrue(e.getMessage().contains("completed -> processing"), e.getMessage());
    assertEquals(JobStatus.COMPLETED, Sql.await(jobs.find(pool, job)).status());
  }

  @Test
  void aGuardedTransitionFromTheWrongStatusIsNull() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 1);
    assertNull(Sql.await(jobs.transition(pool, job, JobStatus.QUEUED, JobStatus.PROCESSING)));
    assertEquals(
        JobStatus.CANCELLED,
        Sql.await(jobs.transition(pool, job, JobStatus.PROCESSING, JobStatus.CANCELLED)).status());
  }

  @Test
  void insertingAStageTwiceCreatesNothingNew() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 1);
    NewStage stage = stage(job, 50);
    assertEquals(50, Sql.await(tasks.insertStage(pool, stage)));
    assertEquals(0, Sql.await(tasks.insertStage(pool, stage)));
    assertEquals(
        50, Sql.count(pool, "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1", job));
  }

  @Test
  void resultsComeBackInNaturalIndexOrder() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 2);
    NewStage stage = stage(job, 25);
    Sql.await(tasks.insertStage(pool, stage));
    Sql.update(pool, "UPDATE app.tasks SET status = 'processing' WHERE parent_job_id = $1", job);
    Sql.update(
        pool,
        "UPDATE app.tasks SET status = 'completed', result_data = jsonb_build_object('i', task_index)"
            + " WHERE parent_job_id = $1",
        job);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      expected.add(String.valueOf(i));
    }
    List<TaskResult> results = Sql.await(tasks.stageResults(pool, job, 1));
    assertEquals(expected, results.stream().map(TaskResult::taskIndex).toList());
    assertEquals("10", results.get(10).result().getString("i"));
    Map<Integer, List<TaskResult>> byStage = Sql.await(tasks.succeededResultsByStage(pool, job));
    assertEquals(expected, byStage.get(1).stream().map(TaskResult::taskIndex).toList());
    assertEquals(
        expected,
        Sql.await(tasks.listForJob(pool, job, 1, TaskStatus.COMPLETED, 100, 0)).stream()
            .map(t -> t.taskIndex())
            .toList());
  }

  @Test
  void claimIsACompareAndSet() {
    String job = newJobId();
    Sql.insertJob(pool, job, "processing", 1, 1);
    Sql.await(tasks.insertStage(pool, stage(job, 1)));
    String taskId = TaskIds.taskId(job, 1, "0");
    ClaimedTask claimed = Sql.await(tasks.claim(pool, taskId));
    assertEquals(taskId, claimed.taskId());
    assertEquals(0, claimed.parameters().getInteger("i"));
    assertNull(Sql.await(tasks.claim(pool, taskId)));
    assertNull(Sql.await(tasks.claim(pool, "no-such-task")));
  }

  /** A stage of n tasks, inserted in shuffled order so that the database order is not natural. */
  private static NewStage stage(String job, int n) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(7));
    List<String> ids = new ArrayList<>();
    List<String> indexes = new ArrayList<>();
    List<JsonObject> params = new ArrayList<>();
    for (int i : order) {
      ids.add(TaskIds.taskId(job, 1, String.valueOf(i)));
      indexes.add(String.valueOf(i));
      params.add(new JsonObject().put("i", i));
    }
    return new NewStage(job, "hello_world", "t", 1, ids, indexes, params);
  }
}
