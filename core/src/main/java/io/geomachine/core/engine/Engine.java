package io.geomachine.core.engine;

import io.geomachine.core.config.TaskRunConfig;
import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.RetryPolicy;
import io.geomachine.core.messaging.Destination;
import io.geomachine.core.repository.DeadLetterRepository;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.OutboxRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.task.TaskHandler;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;

/**
 * Assembles the domain for one service: repositories, the outbox relay for the destinations the
 * service sends to, and the domain services on top. Every service builds exactly one, from its pool
 * and its outgoing channels, so the wiring is written once.
 */
public final class Engine {
  /** How the outbox relay batches, sends and polls. */
  public record RelaySettings(
      int batchSize,
      int sendConcurrency,
      Duration sendTimeout,
      Duration pollInterval,
      boolean publish) {
    public static RelaySettings defaults() {
      return new RelaySettings(500, 128, Duration.ofSeconds(10), Duration.ofMillis(500), true);
    }
  }

  private final Pool pool;
  private final JobRegistry registry;
  private final JobRepository jobs = new JobRepository();
  private final TaskRepository tasks = new TaskRepository();
  private final OutboxRepository outbox = new OutboxRepository();
  private final OutboxRelay relay;
  private final RelaySettings settings;

  /**
   * @param senders one sender per destination this service publishes to; each completes when the
   *     broker has accepted the message
   */
  public Engine(
      Pool pool,
      JobRegistry registry,
      Map<Destination, Function<JsonObject, Uni<Void>>> senders,
      RelaySettings settings) {
    this.pool = pool;
    this.registry = registry;
    this.settings = settings;
    this.relay =
        new OutboxRelay(
            pool,
            outbox,
            jobs,
            tasks,
            senders.keySet(),
            (destination, payload) -> {
              Function<JsonObject, Uni<Void>> sender = senders.get(destination);
              if (sender == null) {
                return Uni.createFrom()
                    .failure(new IllegalStateException("no sender for " + destination));
              }
              return sender.apply(payload);
            },
            settings.batchSize(),
            settings.sendConcurrency(),
            settings.sendTimeout());
  }

  /** Starts the relay's polling (unless this process does not publish); call once up. */
  public void start(Vertx vertx) {
    if (settings.publish()) {
      relay.start(vertx, settings.pollInterval());
      relay.wakeUp();
    }
  }

  public void stop() {
    relay.stop();
  }

  public Pool pool() {
    return pool;
  }

  public JobRegistry registry() {
    return registry;
  }

  public JobRepository jobs() {
    return jobs;
  }

  public TaskRepository tasks() {
    return tasks;
  }

  public OutboxRepository outbox() {
    return outbox;
  }

  public OutboxRelay relay() {
    return relay;
  }

  public CoreMachine coreMachine() {
    return new CoreMachine(pool, registry, jobs, tasks, outbox, this::wakeRelay);
  }

  public JobSubmission submission() {
    return new JobSubmission(pool, registry, jobs, tasks, outbox, this::wakeRelay);
  }

  public JobQueries queries() {
    return new JobQueries(pool, jobs, tasks);
  }

  /** An executor with default lease and retry settings (tests, tools). */
  public TaskExecutor taskExecutor(Collection<? extends TaskHandler> handlers) {
    return taskExecutor(
        handlers,
        new TaskExecutor.LeaseSettings(
            newWorkerId(), Duration.ofSeconds(45), Duration.ofSeconds(10)),
        RetryPolicy.defaults());
  }

  public TaskExecutor taskExecutor(
      Collection<? extends TaskHandler> handlers,
      TaskExecutor.LeaseSettings lease,
      RetryPolicy retryPolicy) {
    return new TaskExecutor(
        pool, registry, tasks, outbox, handlers, lease, retryPolicy, this::wakeRelay);
  }

  /** A worker's consumer: intake plus an executor with the worker's handlers and settings. */
  public TaskConsumer taskConsumer(
      Collection<? extends TaskHandler> handlers, TaskRunConfig config) {
    return new TaskConsumer(
        intake(),
        taskExecutor(
            handlers,
            new TaskExecutor.LeaseSettings(newWorkerId(), config.lease(), config.heartbeat()),
            config.retryPolicy()));
  }

  /** A name for this worker process in task leases: host, process id and a random suffix. */
  public static String newWorkerId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    String id =
        host
            + "/"
            + ProcessHandle.current().pid()
            + "/"
            + java.util.UUID.randomUUID().toString().substring(0, 8);
    return id.length() <= 100 ? id : id.substring(id.length() - 100);
  }

  public OrphanDetector orphanDetector() {
    return new OrphanDetector(
        pool, registry, jobs, tasks, outbox, new JanitorRunRepository(), this::wakeRelay);
  }

  public LeaseWatchdog leaseWatchdog(RetryPolicy retryPolicy) {
    return new LeaseWatchdog(
        pool, registry, tasks, outbox, new JanitorRunRepository(), retryPolicy, this::wakeRelay);
  }

  public JobHealth jobHealth() {
    return new JobHealth(
        pool, coreMachine(), jobs, tasks, new JanitorRunRepository(), this::wakeRelay);
  }

  public StaleJobs staleJobs() {
    return new StaleJobs(pool, jobs, tasks, new JanitorRunRepository());
  }

  public BlobCleanup blobCleanup(BlobCleanup.PrefixDeleter blobs) {
    return new BlobCleanup(
        pool,
        jobs,
        new JobArtifactRepository(),
        new VectorStagingRepository(),
        new JanitorRunRepository(),
        blobs);
  }

  /** Every janitor pass; {@code blobs} deletes the recorded prefixes (BlobStore::deletePrefix). */
  public JanitorPasses janitorPasses(
      RetryPolicy retryPolicy, JanitorPasses.Settings settings, BlobCleanup.PrefixDeleter blobs) {
    return new JanitorPasses(
        pool,
        leaseWatchdog(retryPolicy),
        orphanDetector(),
        jobHealth(),
        staleJobs(),
        blobCleanup(blobs),
        settings);
  }

  /** Records and fails what the broker dead-lettered; lists and re-drives dead letters. */
  public DeadLetterOffice deadLetterOffice() {
    return new DeadLetterOffice(
        pool, jobs, tasks, outbox, new DeadLetterRepository(), this::wakeRelay);
  }

  public MessageIntake intake() {
    return new MessageIntake(pool, jobs, tasks, outbox, this::wakeRelay);
  }

  /** Called after every commit that wrote outbox rows: publish them now. */
  private void wakeRelay() {
    if (settings.publish()) {
      relay.wakeUp();
    }
  }
}
