package io.geomachine.orchestrator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.HelloWorldJob;
import io.geomachine.core.job.JobIds;
import io.geomachine.core.job.ValidatedParameters;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.Task;
import io.geomachine.core.repository.ClaimedTask;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.repository.TaskRepository.Completion;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.QueueReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * What the orchestrator's tests share: arranging jobs and tasks in the real database through core's
 * repositories, sending job commands through the real broker, and waiting until the orchestrator
 * has nothing left in flight.
 */
@ApplicationScoped
public class OrchestratorFixture {
  @jakarta.inject.Inject io.vertx.mutiny.core.Vertx vertx;

  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final String JOBS = "geomachine.jobs";
  static final String RASTER_TASKS = "geomachine.tasks.raster";
  static final String VECTOR_TASKS = "geomachine.tasks.vector";
  static final String DEAD_LETTERS = "geomachine.dead-letters";

  final JobRepository jobs = new JobRepository();
  final TaskRepository tasks = new TaskRepository();

  @Inject Pool pool;
  @Inject MeterRegistry metrics;
  @Inject JobCommandSender sender;

  /** Inserts a queued hello_world job the way the gateway does; returns its id. */
  String insertHelloWorld(int n, String message) {
    ValidatedParameters params =
        new HelloWorldJob()
            .parameters()
            .validate(new JsonObject().put("n", n).put("message", message));
    String jobId = JobIds.derive(HelloWorldJob.TYPE, params.identifying());
    boolean created =
        join(
            jobs.insertIfAbsent(
                pool, new JobRepository.NewJob(jobId, HelloWorldJob.TYPE, params.all(), 2)));
    assertTrue(created, "job " + jobId + " existed already");
    return jobId;
  }

  void send(JobMessage message) {
    sender.send(message.toJson());
  }

  void sendRaw(Object payload) {
    sender.send(payload);
  }

  Job job(String jobId) {
    return join(jobs.find(pool, jobId));
  }

  List<Task> tasks(String jobId, int stage) {
    return join(tasks.listForJob(pool, jobId, stage, null, 10_000, 0));
  }

  long count(String sql, Object... args) {
    return join(pool.preparedQuery(sql).execute(io.vertx.mutiny.sqlclient.Tuple.from(args)))
        .iterator()
        .next()
        .getLong(0);
  }

  static long queued(String queue) {
    return EmbeddedArtemisResource.messageCount(queue);
  }

  /**
   * Job commands the consumer ran through CoreMachine, by wire type: the count of the {@code
   * geomachine.job.commands} meter (a timer; a counter in earlier versions).
   */
  double commandsHandled(String type) {
    return metrics.find("geomachine.job.commands").tag("type", type).meters().stream()
        .mapToDouble(m -> m instanceof Timer t ? t.count() : m instanceof Counter c ? c.count() : 0)
        .sum();
  }

  /**
   * Waits until no job command is on its way (the jobs queue is empty: a message leaves it only
   * once handled) and the outbox relay has published everything it was given.
   */
  void awaitQuiet() {
    await()
        .atMost(TIMEOUT)
        .until(
            () ->
                queued(JOBS) == 0
                    && count("SELECT count(*) FROM app.outbox WHERE destination <> 'jobs'") == 0);
  }

  /** Waits for quiet, then empties the queues nothing consumes in this module. */
  void awaitQuietAndEmptyQueues() {
    awaitQuiet();
    for (String queue : List.of(RASTER_TASKS, VECTOR_TASKS, DEAD_LETTERS)) {
      QueueReader.drain(vertx, queue);
      assertEquals(0, queued(queue), queue + " still holds messages");
    }
  }

  /**
   * Runs every task of a stage directly against the database as a worker would (claim, handler,
   * {@code app.complete_task_and_check_stage}) and checks the last one turned out the lights.
   */
  void runStageInDatabase(String jobId, int stage, TaskHandler handler) throws Exception {
    List<Task> stageTasks = tasks(jobId, stage);
    Completion last = null;
    for (Task t : stageTasks) {
      ClaimedTask claimed = join(tasks.claim(pool, t.taskId()));
      assertNotNull(claimed, "task " + t.taskId() + " was not claimable");
      JsonObject result =
          handler.handle(
              new TaskInput(
                  claimed.taskId(),
                  claimed.jobId(),
                  claimed.jobType(),
                  claimed.stage(),
                  claimed.taskIndex(),
                  claimed.parameters()));
      last = join(tasks.complete(pool, t.taskId(), jobId, stage, result, null));
      assertTrue(last.taskUpdated());
    }
    assertNotNull(last, "stage " + stage + " of " + jobId + " has no tasks");
    assertTrue(last.lastTaskInStage(), "the last completion did not finish the stage");
  }

  /** Claims and completes one task with the given result. */
  void completeInDatabase(Task task, JsonObject result) {
    assertNotNull(join(tasks.claim(pool, task.taskId())));
    Completion done =
        join(tasks.complete(pool, task.taskId(), task.parentJobId(), task.stage(), result, null));
    assertTrue(done.taskUpdated());
  }

  /** Claims and fails one task with the given error. */
  void failInDatabase(Task task, String error) {
    assertNotNull(join(tasks.claim(pool, task.taskId())));
    Completion done =
        join(tasks.complete(pool, task.taskId(), task.parentJobId(), task.stage(), null, error));
    assertTrue(done.taskUpdated());
  }

  static <T> T join(Uni<T> uni) {
    return uni.await().atMost(TIMEOUT);
  }
}
