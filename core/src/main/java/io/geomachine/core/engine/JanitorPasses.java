package io.geomachine.core.engine;

import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The janitor's passes behind one door, for its timers and for operators (the gateway's cleanup
 * API): run one now, see the latest runs.
 */
public final class JanitorPasses {
  /** Thresholds and limits of the passes. */
  public record Settings(
      int watchdogLimit,
      OrphanDetector.Thresholds orphans,
      int jobHealthUnchangedForSeconds,
      int jobHealthLimit,
      Duration staleHorizon,
      int staleLimit,
      BlobCleanup.Thresholds blobs) {}

  /** The passes that can run, in the order operators see them. */
  public static final List<JanitorRunType> RUNNABLE =
      List.of(
          JanitorRunType.TASK_WATCHDOG,
          JanitorRunType.ORPHAN_DETECTOR,
          JanitorRunType.JOB_HEALTH,
          JanitorRunType.STALE_JOBS,
          JanitorRunType.BLOB_CLEANUP);

  private final Pool pool;
  private final LeaseWatchdog watchdog;
  private final OrphanDetector orphans;
  private final JobHealth jobHealth;
  private final StaleJobs staleJobs;
  private final BlobCleanup blobCleanup;
  private final JanitorRunRepository runs = new JanitorRunRepository();
  private final Settings settings;

  public JanitorPasses(
      Pool pool,
      LeaseWatchdog watchdog,
      OrphanDetector orphans,
      JobHealth jobHealth,
      StaleJobs staleJobs,
      BlobCleanup blobCleanup,
      Settings settings) {
    this.pool = pool;
    this.watchdog = watchdog;
    this.orphans = orphans;
    this.jobHealth = jobHealth;
    this.staleJobs = staleJobs;
    this.blobCleanup = blobCleanup;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** Runs one pass now. */
  public Uni<PassReport> run(JanitorRunType type) {
    return switch (type) {
      case TASK_WATCHDOG ->
          watchdog
              .run(settings.watchdogLimit())
              .map(r -> new PassReport(false, r.scanned(), r.retried() + r.failed(), r.actions()));
      case ORPHAN_DETECTOR -> orphans.run(settings.orphans());
      case JOB_HEALTH ->
          jobHealth.run(settings.jobHealthUnchangedForSeconds(), settings.jobHealthLimit());
      case STALE_JOBS -> staleJobs.run(settings.staleHorizon(), settings.staleLimit());
      case BLOB_CLEANUP -> blobCleanup.run(settings.blobs());
    };
  }

  /** Runs one pass now and says what it did, as the cleanup API shows it. */
  public Uni<JsonObject> runAndDescribe(JanitorRunType type) {
    return run(type).map(r -> r.toJson(type.sqlValue()));
  }

  public Uni<List<JanitorRun>> history(JanitorRunType type, LocalDateTime since, int limit) {
    return runs.latest(pool, type, since, limit);
  }
}
