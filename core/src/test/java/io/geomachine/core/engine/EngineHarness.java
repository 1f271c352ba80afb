package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.fail;

import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.messaging.TaskMessage;
import io.geomachine.core.model.Job;
import io.geomachine.core.task.HelloWorldHandlers;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An {@link Engine} on a real database whose broker is a set of in-memory senders that record what
 * they are given. Messages are delivered by hand, so a test controls every step (and duplicates).
 */
final class EngineHarness {
  /** One message the relay handed to the broker. */
  record Sent(Destination destination, JsonObject payload) {}

  final Pool pool;
  final Engine engine;

  /** Every message ever sent, in order. */
  final ConcurrentLinkedQueue<Sent> history = new ConcurrentLinkedQueue<>();

  private final Map<Destination, ConcurrentLinkedQueue<JsonObject>> inboxes =
      new EnumMap<>(Destination.class);

  EngineHarness(Pool pool) {
    this(pool, JobRegistry.standard());
  }

  EngineHarness(Pool pool, JobRegistry registry) {
    this.pool = pool;
    Map<Destination, Function<JsonObject, Uni<Void>>> senders = new EnumMap<>(Destination.class);
    for (Destination d : Destination.values()) {
      ConcurrentLinkedQueue<JsonObject> inbox = new ConcurrentLinkedQueue<>();
      inboxes.put(d, inbox);
      senders.put(
          d,
          payload -> {
            inbox.add(payload.copy());
            history.add(new Sent(d, payload.copy()));
            return Uni.createFrom().voidItem();
          });
    }
    this.engine = new Engine(pool, registry, senders, Engine.RelaySettings.defaults());
  }

  static List<TaskHandler> helloHandlers() {
    return List.of(new HelloWorldHandlers.Greeting(), new HelloWorldHandlers.Reply());
  }

  /* Services that do not wake the relay, so the outbox can be inspected before it is published. */

  CoreMachine quietMachine() {
    return new CoreMachine(
        pool, engine.registry(), engine.jobs(), engine.tasks(), engine.outbox(), () -> {});
  }

  JobSubmission quietSubmission() {
    return new JobSubmission(
        pool, engine.registry(), engine.jobs(), engine.tasks(), engine.outbox(), () -> {});
  }

  TaskExecutor quietExecutor(Collection<? extends TaskHandler> handlers) {
    return new TaskExecutor(
        pool,
        engine.registry(),
        engine.tasks(),
        engine.outbox(),
        handlers,
        new TaskExecutor.LeaseSettings(
            Engine.newWorkerId(),
            java.time.Duration.ofSeconds(45),
            java.time.Duration.ofSeconds(10)),
        io.geomachine.core.job.RetryPolicy.defaults(),
        () -> {});
  }

  /** Publishes the whole outbox to the recording senders and waits until it is empty. */
  void publishAll() {
    long deadline = System.nanoTime() + Sql.TIMEOUT.toNanos();
    Sql.await(engine.relay().drainUntilEmpty());
    // A relay woken by a commit may hold rows we skipped; they are gone once it has sent them.
    while (outboxCount() > 0) {
      if (System.nanoTime() > deadline) {
        fail("the outbox was not emptied: " + outboxCount() + " rows left");
      }
      sleep(10);
      Sql.await(engine.relay().drainUntilEmpty());
    }
  }

  /** Outbox rows the relay would publish now (delayed retries not yet due are not counted). */
  long dueOutboxCount() {
    return Sql.count(pool, "SELECT count(*) FROM app.outbox WHERE available_at <= LOCALTIMESTAMP");
  }

  /**
   * Publishes every outbox row that is due and leaves delayed rows (retries whose backoff has not
   * elapsed) in place; {@link #publishAll} would wait for those until it times out.
   */
  void publishDue() {
    long deadline = System.nanoTime() + Sql.TIMEOUT.toNanos();
    Sql.await(engine.relay().drainUntilEmpty());
    while (dueOutboxCount() > 0) {
      if (System.nanoTime() > deadline) {
        fail("due outbox rows were not published: " + dueOutboxCount() + " rows left");
      }
      sleep(10);
      Sql.await(engine.relay().drainUntilEmpty());
    }
  }

  /** Takes (and forgets) what was sent to a destination since the last take. */
  List<JsonObject> take(Destination d) {
    List<JsonObject> out = new ArrayList<>();
    JsonObject m;
    while ((m = inboxes.get(d).poll()) != null) {
      out.add(m);
    }
    return out;
  }

  /** Publishes what is left and forgets everything sent so far (between tests). */
  void reset() {
    publishAll();
    inboxes.values().forEach(ConcurrentLinkedQueue::clear);
    history.clear();
  }

  long outboxCount() {
    return Sql.count(pool, "SELECT count(*) FROM app.outbox");
  }

  /** Outbox rows for a destination (and job, when given). */
  long outboxCount(Destination d, String jobId) {
    return Sql.count(
        pool,
        "SELECT count(*) FROM app.outbox WHERE destination = $1"
            + " AND ($2::text IS NULL OR payload->>'job_id' = $2)",
        d.logicalName(),
        jobId);
  }

  long sentCount(Destination d, String jobId) {
    return history.stream()
        .filter(s -> s.destination() == d && jobId.equals(s.payload().getString("job_id")))
        .count();
  }

  Job job(String jobId) {
    return Sql.await(engine.jobs().find(pool, jobId));
  }

  long taskCount(String jobId, Integer stage, String status) {
    return Sql.count(
        pool,
        "SELECT count(*) FROM app.tasks WHERE parent_job_id = $1"
            + " AND ($2::int IS NULL OR stage = $2) AND ($3::text IS NULL OR status::text = $3)",
        jobId,
        stage,
        status);
  }

  /**
   * Delivers by hand until nothing more is sent: jobs messages to the machine, task messages to the
   * executor, in the order the relay published them.
   */
  void runToEnd(CoreMachine machine, TaskExecutor executor) {
    for (int round = 0; round < 50; round++) {
      publishAll();
      List<JsonObject> jobs = take(Destination.JOBS);
      List<JsonObject> taskMessages = take(Destination.RASTER_TASKS);
      taskMessages.addAll(take(Destination.VECTOR_TASKS));
      if (jobs.isEmpty() && taskMessages.isEmpty()) {
        return;
      }
      for (JsonObject m : jobs) {
        Sql.await(machine.handle(JobMessage.fromJson(m)));
      }
      for (JsonObject m : taskMessages) {
        executor.execute(TaskMessage.fromJson(m));
      }
    }
    fail("the job did not settle in 50 rounds");
  }

  /** A handler that counts its invocations. */
  static final class Counting implements TaskHandler {
    final TaskHandler inner;
    final AtomicInteger calls = new AtomicInteger();

    Counting(TaskHandler inner) {
      this.inner = inner;
    }

    @Override
    public String taskType() {
      return inner.taskType();
    }

    @Override
    public JsonObject handle(TaskInput input) throws Exception {
      calls.incrementAndGet();
      return inner.handle(input);
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
