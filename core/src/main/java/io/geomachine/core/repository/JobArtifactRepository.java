package io.geomachine.core.repository;

import io.geomachine.core.model.JobArtifact;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code app.job_artifacts}: the blob prefixes jobs wrote intermediate files under. */
public final class JobArtifactRepository {

  /** Records a prefix (idempotent: recording it again leaves the first record). */
  public Uni<Void> record(SqlClient c, String jobId, String container, String prefix, String kind) {
    if (!prefix.endsWith("/") || prefix.length() < 2) {
      throw new IllegalArgumentException("an artifact prefix must name a folder: " + prefix);
    }
    return c.preparedQuery(
            "INSERT INTO app.job_artifacts (job_id, container, prefix, kind) VALUES ($1, $2, $3,"
                + " $4) ON CONFLICT (job_id, container, prefix) DO UPDATE SET removed_at = NULL")
        .execute(Tuple.of(jobId, container, prefix, kind))
        .onFailure()
        .transform(DbErrors::translate)
        .replaceWithVoid();
  }

  /** The job's prefixes that may still hold files. */
  public Uni<List<JobArtifact>> openOfJob(SqlClient c, String jobId) {
    return c.preparedQuery(
            "SELECT * FROM app.job_artifacts WHERE job_id = $1 AND removed_at IS NULL"
                + " ORDER BY container, prefix")
        .execute(Tuple.of(jobId))
        .map(JobArtifactRepository::rows)
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Prefixes that may still hold files, of jobs in one of {@code statuses} last updated more than
   * {@code olderThanSeconds} ago, oldest first.
   */
  public Uni<List<JobArtifact>> openOfJobsIn(
      SqlClient c, List<String> statuses, double olderThanSeconds, int limit) {
    return c.preparedQuery(
            "SELECT a.* FROM app.job_artifacts a JOIN app.jobs j ON j.job_id = a.job_id"
                + " WHERE a.removed_at IS NULL AND j.status::text = ANY($1)"
                + " AND j.updated_at < LOCALTIMESTAMP - make_interval(secs => $2)"
                + " ORDER BY a.recorded_at LIMIT $3")
        .execute(Tuple.of(statuses.toArray(new String[0]), olderThanSeconds, limit))
        .map(JobArtifactRepository::rows)
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Marks a prefix emptied; false when it was already marked (another remover got there). */
  public Uni<Boolean> markRemoved(SqlClient c, String jobId, String container, String prefix) {
    return c.preparedQuery(
            "UPDATE app.job_artifacts SET removed_at = NOW() WHERE job_id = $1 AND container = $2"
                + " AND prefix = $3 AND removed_at IS NULL")
        .execute(Tuple.of(jobId, container, prefix))
        .map(rs -> rs.rowCount() == 1)
        .onFailure()
        .transform(DbErrors::translate);
  }

  private static List<JobArtifact> rows(io.vertx.mutiny.sqlclient.RowSet<Row> rs) {
    List<JobArtifact> out = new ArrayList<>();
    for (Row r : rs) {
      out.add(
          new JobArtifact(
              r.getString("job_id"),
              r.getString("container"),
              r.getString("prefix"),
              r.getString("kind"),
              r.getLocalDateTime("recorded_at"),
              r.getLocalDateTime("removed_at")));
    }
    return out;
  }
}
