package io.geomachine.core.engine;

import io.geomachine.core.model.JanitorRun;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.LocalDateTime;
import java.util.List;

/**
 * The janitor's passes behind one door, for its timers and for operators (the gateway's cleanup
 * API): run one now, see the latest runs.
 */
public final class JanitorPasses {
  /** Thresholds of the passes. */
  public record Settings(int stalledForSeconds, int limit) {}

  private final Pool pool;
  private final LeaseWatchdog watchdog;
  private final OrphanDetector orphans;
  private final JanitorRunRepository runs = new JanitorRunRepository();
  private final Settings settings;

  public JanitorPasses(
      Pool pool, LeaseWatchdog watchdog, OrphanDetector orphans, Settings settings) {
    this.pool = pool;
    this.watchdog = watchdog;
    this.orphans = orphans;
    this.settings = settings;
  }

  /** The passes that can run; the others of the enum belong to later passes. */
  public static final List<JanitorRunType> RUNNABLE =
      List.of(JanitorRunType.TASK_WATCHDOG, JanitorRunType.ORPHAN_DETECTOR);

  /** Runs one pass now and says what it did. */
  public Uni<JsonObject> run(JanitorRunType type) {
    return switch (type) {
      case TASK_WATCHDOG ->
          watchdog
              .run(settings.limit())
              .map(
                  r ->
                      new JsonObject()
                          .put("type", type.sqlValue())
                          .put("items_scanned", r.scanned())
                          .put("items_fixed", r.retried() + r.failed())
                          .put("actions_taken", r.actions()));
      case ORPHAN_DETECTOR ->
          orphans
              .run(settings.stalledForSeconds(), settings.limit())
              .map(
                  r ->
                      new JsonObject()
                          .put("type", type.sqlValue())
                          .put("skipped_another_replica_running", r.skipped())
                          .put("items_scanned", r.scanned())
                          .put("items_fixed", r.fixed())
                          .put("actions_taken", r.actions()));
      default ->
          Uni.createFrom()
              .failure(new IllegalArgumentException("pass " + type.sqlValue() + " cannot run yet"));
    };
  }

  public Uni<List<JanitorRun>> history(JanitorRunType type, LocalDateTime since, int limit) {
    return runs.latest(pool, type, since, limit);
  }
}
