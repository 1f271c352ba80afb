package io.geomachine.core.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.model.JobArtifact;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Recorded artifact prefixes: idempotent records, terminal-job queries, removal once. */
class JobArtifactRepositoryTest {
  private static TestDatabase db;
  private final JobArtifactRepository artifacts = new JobArtifactRepository();

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_core_artifacts");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  @Test
  void recordsAreIdempotentListedForTerminalJobsAndRemovedOnce() {
    String failed = Sql.newJobId();
    String running = Sql.newJobId();
    Sql.insertJob(db.pool(), failed, "failed", 1, 1);
    Sql.insertJob(db.pool(), running, "processing", 1, 1);
    Sql.await(
        artifacts.record(
            db.pool(), failed, "silver-temp", "vector_chunks/" + failed + "/", "vector_chunks"));
    Sql.await(
        artifacts.record(
            db.pool(), failed, "silver-temp", "vector_chunks/" + failed + "/", "vector_chunks"));
    Sql.await(
        artifacts.record(
            db.pool(), running, "silver-temp", "raster_tiles/" + running + "/", "raster_tiles"));
    assertThrows(
        IllegalArgumentException.class,
        () -> artifacts.record(db.pool(), failed, "silver-temp", "no-slash", "x"));

    assertEquals(1, Sql.await(artifacts.openOfJob(db.pool(), failed)).size());
    List<JobArtifact> open =
        Sql.await(artifacts.openOfJobsIn(db.pool(), List.of("failed", "cancelled"), 0, 100));
    assertEquals(List.of(failed), open.stream().map(JobArtifact::jobId).distinct().toList());

    assertTrue(
        Sql.await(
            artifacts.markRemoved(
                db.pool(), failed, "silver-temp", "vector_chunks/" + failed + "/")));
    assertFalse(
        Sql.await(
            artifacts.markRemoved(
                db.pool(), failed, "silver-temp", "vector_chunks/" + failed + "/")));
    assertEquals(List.of(), Sql.await(artifacts.openOfJob(db.pool(), failed)));
    assertEquals(
        1L,
        Sql.count(db.pool(), "SELECT count(*) FROM app.job_artifacts WHERE job_id = $1", failed),
        "the record stays, marked removed");
  }
}
