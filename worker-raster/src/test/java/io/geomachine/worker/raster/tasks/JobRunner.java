package io.geomachine.worker.raster.tasks;

import static org.junit.jupiter.api.Assertions.fail;

import io.geomachine.core.engine.CoreMachine;
import io.geomachine.core.engine.Engine;
import io.geomachine.core.engine.TaskExecutor;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.testing.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * Runs whole jobs through the real CoreMachine (submission, planners, stage advance) and the real
 * task executor with the worker's handlers, on the real database, delivering the outbox's messages
 * by hand instead of through a broker.
 */
final class JobRunner {
  private final Pool pool;
  private final Engine engine;
  private final CoreMachine machine;
  private final TaskExecutor executor;
  private final Map<Destination, ConcurrentLinkedQueue<JsonObject>> inboxes =
      new EnumMap<>(Destination.class);

  JobRunner(Pool pool, List<TaskHandler> handlers) {
    this.pool = pool;
    Map<Destination, Function<JsonObject, Uni<Void>>> senders = new EnumMap<>(Destination.class);
    for (Destination d : Destination.values()) {
      ConcurrentLinkedQueue<JsonObject> inbox = new ConcurrentLinkedQueue<>();
      inboxes.put(d, inbox);
      senders.put(
          d,
          payload -> {
            inbox.add(payload.copy());
            return Uni.createFrom().voidItem();
          });
    }
    engine = new Engine(pool, JobRegistry.standard(), senders, Engine.RelaySettings.defaults());
    machine = engine.coreMachine();
    executor = engine.taskExecutor(handlers);
  }

  /**
   * Submits the job and delivers messages until nothing more is sent; the job as it ended. A task
   * whose retryable failure scheduled a retry (a delayed outbox message) is waited for, up to
   * {@link #RETRY_WAIT}, as the worker would: a storage hiccup on a busy machine retries.
   */
  Job run(String jobType, JsonObject params) {
    String jobId = Sql.await(engine.submission().submit(jobType, params)).job().jobId();
    long waitUntil = 0;
    for (int round = 0; round < 200; round++) {
      Sql.await(engine.relay().drainUntilEmpty());
      List<JsonObject> jobs = take(Destination.JOBS);
      List<JsonObject> tasks = take(Destination.RASTER_TASKS);
      if (jobs.isEmpty() && tasks.isEmpty()) {
        Job job = job(jobId);
        if (job.status().isTerminal()) {
          return job;
        }
        if (waitUntil == 0) {
          waitUntil = System.nanoTime() + RETRY_WAIT.toNanos();
        }
        if (System.nanoTime() > waitUntil) {
          return job;
        }
        sleep();
        continue;
      }
      waitUntil = 0;
      jobs.forEach(m -> Sql.await(machine.handle(JobMessage.fromJson(m))));
      tasks.forEach(m -> executor.execute(TaskMessage.fromJson(m)));
    }
    fail("job " + jobId + " did not settle in 200 rounds");
    return null;
  }

  static final java.time.Duration RETRY_WAIT = java.time.Duration.ofSeconds(45);

  private static void sleep() {
    try {
      Thread.sleep(250);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Job job(String jobId) {
    return Sql.await(engine.jobs().find(pool, jobId));
  }

  private List<JsonObject> take(Destination d) {
    List<JsonObject> out = new ArrayList<>();
    JsonObject m;
    while ((m = inboxes.get(d).poll()) != null) {
      out.add(m);
    }
    return out;
  }
}
