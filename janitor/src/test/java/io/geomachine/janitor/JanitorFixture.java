package io.geomachine.janitor;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.job.ValidatedParameters;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.NewStage;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.QueueReader;
import io.geomachine.core.testing.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the janitor's tests share: a clean database per test, jobs left in the states the orphan
 * detector looks for (arranged through core's repositories, with {@code updated_at} moved into the
 * past), and reading the jobs queue, which nothing consumes in this module.
 */
@ApplicationScoped
public class JanitorFixture {
  @jakarta.inject.Inject io.vertx.mutiny.core.Vertx vertx;

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String JOBS = "geomachine.jobs";

  private final JobRepository jobs = new JobRepository();
  private final TaskRepository tasks = new TaskRepository();
  private final JanitorRunRepository runs = new JanitorRunRepository();
  private final HelloWorldJob hello = new HelloWorldJob();

  @Inject Pool pool;

  /** Publishes what is due, then empties the tables and the jobs queue. */
  void reset() {
    // Task messages (a re-published task) belong to the orchestrator's relay, not run here.
    update("DELETE FROM app.outbox WHERE destination <> $1", Destination.JOBS.logicalName());
    awaitOutboxPublished();
    update("DELETE FROM app.outbox");
    update("DELETE FROM app.stage_progress");
    update("DELETE FROM app.tasks");
    update("DELETE FROM app.jobs");
    update("DELETE FROM app.janitor_runs");
    QueueReader.drain(vertx, JOBS);
    assertEquals(0, queued(JOBS));
  }

  /** A queued hello_world job, as the gateway inserts it (without its start message). */
  String queuedJob() {
    ValidatedParameters params =
        hello
            .parameters()
            .validate(new JsonObject().put("n", 2).put("message", "Hi " + UUID.randomUUID()));
    String jobId = JobIds.derive(HelloWorldJob.TYPE, params.identifying());
    JobRepository.NewJob row = new JobRepository.NewJob(jobId, HelloWorldJob.TYPE, params.all(), 2);
    assertTrue(join(jobs.insertIfAbsent(pool, row)));
    return jobId;
  }

  /**
   * A processing hello_world job at stage 1 whose tasks were created as CoreMachine creates them;
   * the first {@code finished} of its 2 tasks are claimed and completed.
   */
  String processingJobWithFinishedTasks(int finished) {
    String jobId = queuedJob();
    assertNotNull(join(jobs.transition(pool, jobId, JobStatus.QUEUED, JobStatus.PROCESSING)));
    JsonObject params = join(jobs.find(pool, jobId)).parameters();
    List<TaskSpec> specs =
        hello.stage(1).planner().plan(new StageContext(jobId, params, 1, List.of()));
    List<String> ids = new ArrayList<>();
    for (TaskSpec s : specs) {
      ids.add(TaskIds.taskId(jobId, 1, s.index()));
    }
    NewStage stage =
        new NewStage(
            jobId,
            HelloWorldJob.TYPE,
            HelloWorldJob.GREETING_TASK,
            1,
            ids,
            specs.stream().map(TaskSpec::index).toList(),
            specs.stream().map(TaskSpec::parameters).toList());
    assertEquals(specs.size(), join(tasks.insertStage(pool, stage)));
    for (String taskId : ids.subList(0, finished)) {
      assertNotNull(join(tasks.claim(pool, taskId)));
      JsonObject result = new JsonObject().put("greeting", "done " + taskId);
      assertTrue(join(tasks.complete(pool, taskId, jobId, 1, result, null)).taskUpdated());
    }
    return jobId;
  }

  /** Moves a job's {@code created_at} and {@code updated_at} into the past. */
  void lastTouched(String jobId, Duration ago) {
    Sql.backdateJob(pool, jobId, ago);
    assertEquals(
        1,
        count(
            "SELECT count(*) FROM app.jobs WHERE job_id = $1"
                + " AND updated_at < LOCALTIMESTAMP - make_interval(secs => $2)",
            jobId,
            (double) ago.toSeconds() - 5));
  }

  /** Says the job's start message went to the broker {@code ago}. */
  void published(String jobId, Duration ago) {
    update(
        "UPDATE app.jobs SET published_at = LOCALTIMESTAMP - make_interval(secs => $2)"
            + " WHERE job_id = $1",
        jobId,
        (double) ago.toSeconds());
  }

  /** Says the task's message went to the broker {@code ago}. */
  void taskPublished(String taskId, Duration ago) {
    update(
        "UPDATE app.tasks SET published_at = LOCALTIMESTAMP - make_interval(secs => $2)"
            + " WHERE task_id = $1",
        taskId,
        (double) ago.toSeconds());
  }

  List<String> taskIds(String jobId) {
    List<String> out = new ArrayList<>();
    join(pool.preparedQuery(
                "SELECT task_id FROM app.tasks WHERE parent_job_id = $1 ORDER BY task_id")
            .execute(Tuple.of(jobId)))
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  /** A message for the job waiting in the outbox, not due for an hour (a relay's backoff). */
  void pendingInOutbox(String jobId) {
    update(
        "INSERT INTO app.outbox (destination, payload, available_at)"
            + " VALUES ($1, $2, NOW() + interval '1 hour')",
        Destination.JOBS.logicalName(),
        JobMessage.startJob(jobId).toJson());
  }

  /** Waits until the janitor's relay has published every due outbox row. */
  void awaitOutboxPublished() {
    await()
        .atMost(TIMEOUT)
        .until(() -> count("SELECT count(*) FROM app.outbox WHERE available_at <= NOW()") == 0);
  }

  List<JanitorRun> orphanDetectorRuns() {
    return join(runs.latest(pool, JanitorRunType.ORPHAN_DETECTOR, null, 100));
  }

  List<JsonObject> drainJobsQueue() {
    return QueueReader.drain(vertx, JOBS);
  }

  JobStatus status(String jobId) {
    return join(jobs.find(pool, jobId)).status();
  }

  long count(String sql, Object... args) {
    return join(pool.preparedQuery(sql).execute(Tuple.from(args))).iterator().next().getLong(0);
  }

  void update(String sql, Object... args) {
    join(pool.preparedQuery(sql).execute(Tuple.from(args)));
  }

  static long queued(String queue) {
    return EmbeddedArtemisResource.messageCount(queue);
  }

  static <T> T join(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }
}
