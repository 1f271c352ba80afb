package io.geomachine.core.engine;

import io.geomachine.core.messaging.Destination;
import io.geomachine.core.messaging.JobMessage;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobRepository;
import io.geomachine.core.repository.JobRepository.StuckJob;
import io.geomachine.core.repository.OutboxRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The janitor's orphan detector: finds jobs whose next message was lost (a stage that finished but
 * never advanced, a queued job that never started) and sends that message again. Re-sending is
 * always safe: CoreMachine's guarded transitions ignore a command that already took effect.
 *
 * <p>One transaction per pass, under an advisory lock, so janitor replicas never act twice.
 */
public final class OrphanDetector {
  private static final Logger LOG = Logger.getLogger(OrphanDetector.class);

  /** What a pass did; {@code skipped} when another replica held the lock. */
  public record Report(boolean skipped, int scanned, int fixed, JsonObject actions) {}

  private final Pool pool;
  private final JobRepository jobs;
  private final OutboxRepository outbox;
  private final JanitorRunRepository runs;
  private final Runnable afterCommitWithMessages;

  public OrphanDetector(
      Pool pool,
      JobRepository jobs,
      OutboxRepository outbox,
      JanitorRunRepository runs,
      Runnable afterCommitWithMessages) {
    this.pool = pool;
    this.jobs = jobs;
    this.outbox = outbox;
    this.runs = runs;
    this.afterCommitWithMessages = afterCommitWithMessages;
  }

  public Uni<Report> run(int stalledForSeconds, int limit) {
    long started = System.currentTimeMillis();
    return pool.withTransaction(
            c ->
                runs.tryLockPass(c, JanitorRunType.ORPHAN_DETECTOR)
                    .chain(
                        locked ->
                            locked
                                ? pass(c, started, stalledForSeconds, limit)
                                : Uni.createFrom().item(new Report(true, 0, 0, new JsonObject()))))
        .invoke(
            report -> {
              if (report.fixed() > 0) {
                LOG.infof("orphan detector re-drove %d jobs: %s", report.fixed(), report.actions());
                afterCommitWithMessages.run();
              }
            });
  }

  private Uni<Report> pass(SqlClient c, long started, int stalledForSeconds, int limit) {
    return jobs.stagesFinishedButNotAdvanced(c, stalledForSeconds, limit)
        .chain(
            stalled ->
                jobs.queuedButNotStarted(c, stalledForSeconds, limit)
                    .chain(
                        unstarted -> {
                          List<JsonObject> messages =
                              new java.util.ArrayList<>(stalled.size() + unstarted.size());
                          stalled.forEach(
                              j ->
                                  messages.add(
                                      JobMessage.stageCompleted(j.jobId(), j.stage()).toJson()));
                          unstarted.forEach(
                              j -> messages.add(JobMessage.startJob(j.jobId()).toJson()));
                          JsonObject actions =
                              new JsonObject()
                                  .put("stage_advance_redriven", ids(stalled))
                                  .put("start_redriven", ids(unstarted));
                          int fixed = messages.size();
                          return outbox
                              .enqueue(c, Destination.JOBS, messages)
                              .chain(
                                  () ->
                                      runs.record(
                                          c,
                                          JanitorRunType.ORPHAN_DETECTOR,
                                          started,
                                          fixed,
                                          fixed,
                                          actions,
                                          null))
                              .replaceWith(new Report(false, fixed, fixed, actions));
                        }));
  }

  private static JsonArray ids(List<StuckJob> jobs) {
    JsonArray out = new JsonArray();
    jobs.forEach(j -> out.add(j.jobId() + "/stage-" + j.stage()));
    return out;
  }
}
