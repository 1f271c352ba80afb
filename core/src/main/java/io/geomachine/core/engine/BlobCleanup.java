package io.geomachine.core.engine;

import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.model.JobArtifact;
import io.geomachine.core.repository.JanitorRunRepository;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.repository.JobRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The janitor's blob-cleanup pass: deletes the intermediate files of jobs that ended without
 * removing them, by the prefixes the jobs recorded in {@code app.job_artifacts} and nothing else.
 * Failed and cancelled jobs' prefixes go after {@code endedForSeconds} (their running tasks have
 * stopped by then); completed jobs remove their own, so theirs are only swept when left behind for
 * {@code completedForSeconds}. Before deleting, the job's row is share-locked and its status
 * checked again, so a re-run that starts meanwhile waits and its new files are never touched. The
 * same pass drops the {@code geo_staging} tables of vector jobs that ended without publishing them
 * (the database's intermediate artifacts), with the same thresholds.
 */
public final class BlobCleanup {
  /** Deletes every blob under a folder prefix; the number deleted (BlobStore.deletePrefix). */
  @FunctionalInterface
  public interface PrefixDeleter {
    int deletePrefix(String container, String prefix);
  }

  /** Thresholds of one pass. */
  public record Thresholds(int endedForSeconds, int completedForSeconds, int limit) {}

  private static final List<String> ENDED_BADLY = List.of("failed", "cancelled");
  private static final List<String> COMPLETED = List.of("completed", "completed_with_errors");
  private static final Set<String> TERMINAL =
      Set.of("failed", "cancelled", "completed", "completed_with_errors");

  private final Pool pool;
  private final JobRepository jobs;
  private final JobArtifactRepository artifacts;
  private final VectorStagingRepository staging;
  private final JanitorRunRepository runs;
  private final PrefixDeleter blobs;

  public BlobCleanup(
      Pool pool,
      JobRepository jobs,
      JobArtifactRepository artifacts,
      VectorStagingRepository staging,
      JanitorRunRepository runs,
      PrefixDeleter blobs) {
    this.pool = pool;
    this.jobs = jobs;
    this.artifacts = artifacts;
    this.staging = staging;
    this.runs = runs;
    this.blobs = blobs;
  }

  public Uni<PassReport> run(Thresholds t) {
    return LockedPass.run(pool, runs, JanitorRunType.BLOB_CLEANUP, c -> pass(c, t), () -> {});
  }

  private Uni<PassReport> pass(SqlClient c, Thresholds t) {
    return artifacts
        .openOfJobsIn(c, ENDED_BADLY, t.endedForSeconds(), t.limit())
        .chain(
            ended ->
                artifacts
                    .openOfJobsIn(c, COMPLETED, t.completedForSeconds(), t.limit())
                    .map(
                        left -> {
                          List<JobArtifact> all = new ArrayList<>(ended);
                          all.addAll(left);
                          return all;
                        }))
        .chain(found -> sweep(c, found))
        .chain(
            report ->
                staging
                    .dropStagingOfTerminalJobs(pool, t.endedForSeconds(), t.limit())
                    .map(
                        dropped -> {
                          if (dropped.isEmpty()) {
                            return report;
                          }
                          report
                              .actions()
                              .put("staging_tables_dropped", new JsonArray(List.copyOf(dropped)));
                          return new PassReport(
                              false,
                              report.scanned() + dropped.size(),
                              report.fixed() + dropped.size(),
                              report.actions());
                        }));
  }

  private Uni<PassReport> sweep(SqlClient c, List<JobArtifact> found) {
    JsonArray removed = new JsonArray();
    JsonArray errors = new JsonArray();
    return Multi.createFrom()
        .iterable(found)
        .onItem()
        .transformToUniAndConcatenate(
            a ->
                remove(c, a)
                    .invoke(
                        deleted -> {
                          if (deleted >= 0) {
                            removed.add(view(a).put("blobs_deleted", deleted));
                          }
                        })
                    .onFailure()
                    .recoverWithItem(
                        e -> {
                          errors.add(view(a).put("error", String.valueOf(e.getMessage())));
                          return -1;
                        }))
        .collect()
        .asList()
        .map(
            done -> {
              JsonObject actions = new JsonObject().put("removed", removed);
              if (!errors.isEmpty()) {
                actions.put("errors", errors);
              }
              return new PassReport(false, found.size(), removed.size(), actions);
            });
  }

  /** Deletes one prefix and marks it removed; -1 when its job is no longer terminal. */
  private Uni<Integer> remove(SqlClient c, JobArtifact a) {
    return jobs.statusForShare(c, a.jobId())
        .chain(
            status -> {
              if (status == null || !TERMINAL.contains(status)) {
                return Uni.createFrom().item(-1);
              }
              return Uni.createFrom()
                  .item(() -> blobs.deletePrefix(a.container(), a.prefix()))
                  .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                  .call(n -> artifacts.markRemoved(c, a.jobId(), a.container(), a.prefix()));
            });
  }

  private static JsonObject view(JobArtifact a) {
    return new JsonObject()
        .put("job_id", a.jobId())
        .put("container", a.container())
        .put("prefix", a.prefix())
        .put("kind", a.kind());
  }
}
