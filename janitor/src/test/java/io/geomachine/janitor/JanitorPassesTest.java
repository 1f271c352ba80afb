package io.geomachine.janitor;

import static io.geomachine.janitor.JanitorFixture.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.engine.JanitorPasses;
import io.geomachine.core.engine.PassReport;
import io.geomachine.core.model.JanitorRunType;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.repository.TaskRepository;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.EmbeddedArtemisResource;
import io.geomachine.core.testing.TestDatabaseResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The janitor's job-health, stale-job and blob-cleanup passes as the service wires them (its config
 * mapping, its blob store on Azurite), each recorded in app.janitor_runs.
 */
@QuarkusTest
@WithTestResource(
    value = TestDatabaseResource.class,
    initArgs = @ResourceArg(name = "database", value = OrphanDetectorTest.DATABASE))
@WithTestResource(EmbeddedArtemisResource.class)
class JanitorPassesTest {
  private static final String CONTAINER = "test-janitor-service-cleanup";

  @Inject JanitorPasses passes;
  @Inject JanitorFixture fx;
  @Inject BlobStore blobs;
  @Inject Pool pool;

  @BeforeEach
  void cleanSlate() {
    fx.update("DELETE FROM app.job_artifacts");
    fx.reset();
  }

  private PassReport run(JanitorRunType type) {
    return join(passes.run(type));
  }

  @Test
  void theJobHealthPassFailsAFailJobJobWhoseTaskFailed() {
    String jobId = fx.processingJobWithFinishedTasks(0);
    String failed = fx.taskIds(jobId).get(0);
    TaskRepository tasks = new TaskRepository();
    assertNotNull(join(tasks.claim(pool, failed)));
    join(tasks.complete(pool, failed, jobId, 1, null, "boom"));
    fx.lastTouched(jobId, Duration.ofHours(1));

    PassReport report = run(JanitorRunType.JOB_HEALTH);

    assertEquals(1, report.fixed());
    assertEquals(JobStatus.FAILED, fx.status(jobId));
    assertEquals(
        1, fx.count("SELECT count(*) FROM app.janitor_runs WHERE run_type = 'job_health'"));
  }

  @Test
  void theStaleJobPassFailsAJobPastTheHorizon() {
    String stale = fx.processingJobWithFinishedTasks(1);
    fx.lastTouched(stale, Duration.ofHours(25));
    String young = fx.queuedJob();

    PassReport report = run(JanitorRunType.STALE_JOBS);

    assertEquals(1, report.fixed());
    assertEquals(JobStatus.FAILED, fx.status(stale));
    assertEquals(JobStatus.QUEUED, fx.status(young));
    assertEquals(
        1,
        fx.count(
            "SELECT count(*) FROM app.jobs WHERE job_id = $1 AND error_details LIKE 'STALE_JOB: %'",
            stale));
  }

  @Test
  void theBlobCleanupPassEmptiesAFailedJobsRecordedPrefix() {
    blobs.ensureContainer(CONTAINER);
    String jobId = fx.queuedJob();
    String prefix = "tmp/" + UUID.randomUUID() + "/";
    join(new JobArtifactRepository().record(pool, jobId, CONTAINER, prefix, "test"));
    blobs.uploadBytes(CONTAINER, prefix + "chunk.bin", new byte[] {1, 2}, "text/plain");
    fx.update("UPDATE app.jobs SET status = 'failed' WHERE job_id = $1", jobId);
    fx.lastTouched(jobId, Duration.ofHours(1));

    PassReport report = run(JanitorRunType.BLOB_CLEANUP);

    assertFalse(report.skipped());
    assertEquals(1, report.fixed());
    assertEquals(List.of(), blobs.list(CONTAINER, prefix));
    assertTrue(
        fx.count(
                "SELECT count(*) FROM app.job_artifacts WHERE job_id = $1 AND removed_at IS NOT NULL",
                jobId)
            == 1);
  }
}
