package io.geomachine.core.engine;

import static io.geomachine.core.engine.TaskExecutionSupport.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.engine.TaskExecutionSupport.Started;
import io.geomachine.core.geo.VectorStagingRepository;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The blob-cleanup pass on real Azurite: the recorded prefixes of failed and cancelled jobs are
 * emptied and marked removed; those of running jobs, recently ended ones, and anything not recorded
 * are left alone; completed jobs' leftovers only after their own threshold.
 */
class BlobCleanupTest {
  private static final String CONTAINER = "test-janitor-blob-cleanup";
  private static final BlobCleanup.Thresholds THRESHOLDS =
      new BlobCleanup.Thresholds(60, 3600, 100);
  private static final Duration ENDED_AGO = Duration.ofMinutes(5);

  private static TestDatabase db;
  private static EngineHarness h;
  private static BlobStore blobs;
  private final JobArtifactRepository artifacts = new JobArtifactRepository();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_blob_cleanup");
    h = new EngineHarness(db.pool(), TaskExecutionSupport.registry());
    blobs = AdminTestSupport.blobStore();
    blobs.ensureContainer(CONTAINER);
  }

  @BeforeEach
  void clean() {
    Sql.update(h.pool, "DELETE FROM app.job_artifacts");
    TaskExecutionSupport.clean(h);
  }

  @AfterAll
  static void close() {
    db.close();
  }

  private BlobCleanup pass() {
    return h.engine.blobCleanup(blobs::deletePrefix);
  }

  /** A job with a recorded prefix holding two files; the prefix. */
  private String jobWithArtifacts(Started job) {
    String prefix = "tmp/" + job.jobId() + "-" + UUID.randomUUID() + "/";
    Sql.await(artifacts.record(h.pool, job.jobId(), CONTAINER, prefix, "test_chunks"));
    for (String name : new String[] {"a.bin", "sub/b.bin"}) {
      blobs.uploadBytes(
          CONTAINER, prefix + name, "x".getBytes(StandardCharsets.UTF_8), "text/plain");
    }
    return prefix;
  }

  private void end(Started job, JobStatus status) {
    Sql.update(
        h.pool,
        "UPDATE app.jobs SET status = $2::app.job_status WHERE job_id = $1",
        job.jobId(),
        status.sqlValue());
    Sql.backdateJob(h.pool, job.jobId(), ENDED_AGO);
  }

  private int files(String prefix) {
    return blobs.list(CONTAINER, prefix).size();
  }

  @Test
  void failedAndCancelledJobsLoseTheirRecordedPrefixesAndNothingElse() {
    Started failed = start(h, "failed", 1);
    String failedPrefix = jobWithArtifacts(failed);
    end(failed, JobStatus.FAILED);
    Started cancelled = start(h, "cancelled", 1);
    String cancelledPrefix = jobWithArtifacts(cancelled);
    end(cancelled, JobStatus.CANCELLED);
    Started running = start(h, "running", 1);
    String runningPrefix = jobWithArtifacts(running);
    Started completed = start(h, "completed", 1);
    String completedPrefix = jobWithArtifacts(completed);
    end(completed, JobStatus.COMPLETED); // 5 minutes ago: its own threshold is an hour
    String unrecorded = "tmp/unrecorded-" + UUID.randomUUID() + "/";
    blobs.uploadBytes(CONTAINER, unrecorded + "keep.bin", new byte[] {1}, "text/plain");

    PassReport report = Sql.await(pass().run(THRESHOLDS));

    assertFalse(report.skipped());
    assertEquals(2, report.fixed());
    assertEquals(0, files(failedPrefix));
    assertEquals(0, files(cancelledPrefix));
    assertEquals(2, files(runningPrefix));
    assertEquals(2, files(completedPrefix));
    assertEquals(1, files(unrecorded));
    JsonObject first = report.actions().getJsonArray("removed").getJsonObject(0);
    assertEquals(2, first.getInteger("blobs_deleted"));
    assertNotNull(removedAt(failed.jobId()));
    assertNull(removedAt(running.jobId()));
    assertEquals(0, Sql.await(pass().run(THRESHOLDS)).scanned(), "marked removed: not again");
    Sql.backdateJob(h.pool, completed.jobId(), Duration.ofHours(2));
    assertEquals(1, Sql.await(pass().run(THRESHOLDS)).fixed(), "a completed job's leftovers");
    assertEquals(0, files(completedPrefix));
  }

  @Test
  void twoPassesAtOnceDeleteOnce() {
    Started failed = start(h, "race", 1);
    String prefix = jobWithArtifacts(failed);
    end(failed, JobStatus.FAILED);
    PassReport acted = PassRace.race(h.pool, () -> pass().run(THRESHOLDS));
    assertEquals(1, acted.fixed());
    assertEquals(0, files(prefix));
    assertTrue(
        Sql.count(h.pool, "SELECT count(*) FROM app.janitor_runs WHERE run_type = 'blob_cleanup'")
            == 1);
  }

  @Test
  void stagingTablesOfEndedVectorJobsAreDroppedThoseOfRunningOnesKept() {
    Started failed = start(h, "staging-failed", 1);
    end(failed, JobStatus.FAILED);
    Started running = start(h, "staging-running", 1);
    Sql.update(h.pool, "CREATE SCHEMA IF NOT EXISTS geo_staging");
    // the loaders' batch register lives there too, with no owning job: never dropped
    Sql.update(h.pool, "CREATE TABLE IF NOT EXISTS geo_staging.loaded_batches (id int)");
    for (Started job : new Started[] {failed, running}) {
      String table = "_load_" + job.jobId().substring(0, 16);
      Sql.update(h.pool, "CREATE TABLE geo_staging." + table + " (id int)");
      Sql.update(
          h.pool,
          "COMMENT ON TABLE geo_staging."
              + table
              + " IS '"
              + VectorStagingRepository.jobComment(job.jobId())
              + "'");
    }

    PassReport report = Sql.await(pass().run(THRESHOLDS));

    assertEquals(
        List.of("_load_" + failed.jobId().substring(0, 16)),
        report.actions().getJsonArray("staging_tables_dropped").getList());
    assertEquals(
        List.of("_load_" + running.jobId().substring(0, 16), "loaded_batches"),
        Sql.rows(
                h.pool,
                "SELECT tablename FROM pg_tables WHERE schemaname = 'geo_staging' ORDER BY 1")
            .stream()
            .map(r -> r.getString(0))
            .toList());
  }

  private java.time.LocalDateTime removedAt(String jobId) {
    return Sql.row(h.pool, "SELECT removed_at FROM app.job_artifacts WHERE job_id = $1", jobId)
        .getLocalDateTime(0);
  }
}
