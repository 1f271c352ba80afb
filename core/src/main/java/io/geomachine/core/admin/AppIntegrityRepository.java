package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Integrity SQL on {@code app.tasks} and {@code app.api_requests}: rows that point at a job that
 * does not exist. {@code tasks} has a foreign key, so such a task only appears when the key was
 * bypassed (a partial restore, {@code session_replication_role = replica}); {@code api_requests}
 * has none (seed 000), so there it is the normal way data goes wrong.
 */
final class AppIntegrityRepository {

  Uni<Findings> tasksWithoutJob(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT t.task_id, t.parent_job_id, count(*) OVER () AS total FROM app.tasks t"
                + " WHERE NOT EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = t.parent_job_id)"
                + " ORDER BY t.task_id LIMIT $1")
        .execute(Tuple.of(samples))
        .map(rs -> Findings.from(rs, "task_id", "parent_job_id"));
  }

  Uni<Findings> apiRequestsWithoutJob(SqlClient c, int samples) {
    return c.preparedQuery(
            "SELECT r.request_id, r.job_id, count(*) OVER () AS total FROM app.api_requests r"
                + " WHERE NOT EXISTS (SELECT 1 FROM app.jobs j WHERE j.job_id = r.job_id)"
                + " ORDER BY r.request_id LIMIT $1")
        .execute(Tuple.of(samples))
        .map(rs -> Findings.from(rs, "request_id", "job_id"));
  }
}
