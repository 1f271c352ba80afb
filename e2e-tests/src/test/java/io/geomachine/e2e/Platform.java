package io.geomachine.e2e;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestServices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The five services as separate processes, on the standalone Artemis and the local PostgreSQL, with
 * a database and queue names of their own so a test never meets another run's messages.
 */
final class Platform implements AutoCloseable {
  static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Worker settings for crash tests: short leases so an expired one is noticed in seconds
   * (production defaults are a 45 s lease and a 10 s heartbeat).
   */
  static final Map<String, String> FAST_LEASES =
      Map.of(
          "GEOMACHINE_WORKER_TASKS_LEASE", "4s",
          "GEOMACHINE_WORKER_TASKS_HEARTBEAT", "1s",
          "GEOMACHINE_WORKER_TASKS_RETRY_INITIAL_DELAY", "500ms");

  private final TestDatabase database;
  private final Map<String, String> env = new HashMap<>();
  private final List<ServiceProcess> running = new ArrayList<>();
  private EtlStorage storage;

  private Platform(String database) {
    this.database = TestDatabase.recreate(database);
    String queues = "e2e." + UUID.randomUUID().toString().substring(0, 8);
    env.put("QUARKUS_DATASOURCE_REACTIVE_URL", TestServices.reactiveUrl(database));
    env.put("QUARKUS_DATASOURCE_USERNAME", TestServices.pgUser());
    env.put("QUARKUS_DATASOURCE_PASSWORD", TestServices.pgPassword());
    env.put("AMQP_HOST", TestServices.amqpHost());
    env.put("AMQP_PORT", String.valueOf(TestServices.amqpPort()));
    env.put("AMQP_USERNAME", TestServices.amqpUser());
    env.put("AMQP_PASSWORD", TestServices.amqpPassword());
    env.put("GEOMACHINE_QUEUES_JOBS", queues + ".jobs");
    env.put("GEOMACHINE_QUEUES_RASTER_TASKS", queues + ".tasks.raster");
    env.put("GEOMACHINE_QUEUES_VECTOR_TASKS", queues + ".tasks.vector");
    env.put("GEOMACHINE_QUEUES_DEAD_LETTERS", queues + ".dead-letters");
    env.put("GEOMACHINE_JANITOR_ORPHAN_DETECTOR_INTERVAL", "5s");
    env.put("GEOMACHINE_JANITOR_ORPHAN_DETECTOR_STALLED_FOR", "10s");
  }

  /** A platform with nothing started yet. */
  static Platform create(String database) {
    return new Platform(database);
  }

  /**
   * A platform for the ETL jobs: the full schema deploy (app, pgstac with the system collections,
   * geo) and blob containers of this run's own, so parallel runs never share outputs.
   */
  static Platform createForEtl(String database) {
    Platform p = new Platform(database);
    try {
      if (!AdminTestSupport.admin(p.database).deploy().succeeded()) {
        throw new IllegalStateException("schema deploy (app, pgstac, geo) failed for " + database);
      }
      p.storage = EtlStorage.unique();
      p.env.putAll(p.storage.serviceEnv());
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Starts all five services and waits until each is ready; on failure stops what started. */
  static Platform startAll(String database) {
    return startAll(create(database));
  }

  static Platform startAll(Platform p) {
    try {
      p.start("api-gateway", "api-gateway", Map.of());
      p.start("orchestrator", "orchestrator", Map.of());
      p.start("worker-raster", "worker-raster", Map.of());
      p.start("worker-vector", "worker-vector", Map.of());
      p.start("janitor", "janitor", Map.of());
      p.awaitReady();
      return p;
    } catch (RuntimeException e) {
      p.close();
      throw e;
    }
  }

  /** Starts one more service process on a free port (not waiting); extra env overrides. */
  ServiceProcess start(String module, String name, Map<String, String> extraEnv) {
    Map<String, String> e = new HashMap<>(env);
    e.putAll(extraEnv);
    ServiceProcess s = ServiceProcess.start(module, name, freePort(), e);
    running.add(s);
    return s;
  }

  /**
   * Gateway, orchestrator and a janitor whose task watchdog runs every second (not waiting): the
   * control plane of the crash tests, which start their workers themselves.
   */
  void startControlPlaneWithFastWatchdog() {
    start("api-gateway", "api-gateway", Map.of());
    start("orchestrator", "orchestrator", Map.of());
    start(
        "janitor",
        "janitor",
        Map.of(
            "GEOMACHINE_JANITOR_TASK_WATCHDOG_INTERVAL", "1s",
            "GEOMACHINE_JANITOR_TASKS_RETRY_INITIAL_DELAY", "500ms"));
  }

  /**
   * The control plane with the fast watchdog and one worker of {@code module} with {@link
   * #FAST_LEASES} (plus {@code workerEnv}), named {@code <module>-doomed}; waits until all are
   * ready and returns the worker, for the test to kill.
   */
  ServiceProcess startWithDoomedWorker(String module, Map<String, String> workerEnv) {
    startControlPlaneWithFastWatchdog();
    Map<String, String> e = new HashMap<>(FAST_LEASES);
    e.putAll(workerEnv);
    ServiceProcess doomed = start(module, module + "-doomed", e);
    awaitReady();
    return doomed;
  }

  /** A replacement worker of {@code module} with {@link #FAST_LEASES}, started and ready. */
  void startSuccessor(String module) {
    start(module, module + "-successor", FAST_LEASES);
    awaitReady();
  }

  private static int freePort() {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  void awaitReady() {
    running.forEach(s -> s.awaitReady(READY_TIMEOUT));
  }

  ServiceProcess service(String name) {
    return running.stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no service " + name));
  }

  String gatewayUrl() {
    return service("api-gateway").baseUrl();
  }

  TestDatabase database() {
    return database;
  }

  /** This run's blob containers (only for {@link #createForEtl}). */
  EtlStorage storage() {
    if (storage == null) {
      throw new IllegalStateException("not an ETL platform: use createForEtl");
    }
    return storage;
  }

  BlobStore blobs() {
    return storage().blobs();
  }

  @Override
  public void close() {
    running.forEach(ServiceProcess::stop);
    if (storage != null) {
      storage.deleteBlobs();
    }
    database.close();
  }
}
