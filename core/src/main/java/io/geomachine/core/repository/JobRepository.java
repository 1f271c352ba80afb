package io.geomachine.core.repository;

import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * All SQL on {@code app.jobs}. Every status change is one guarded {@code UPDATE … WHERE status =
 * expected}; an empty result means another actor got there first (or the message was a duplicate).
 * Methods take the {@link SqlClient} to run on, so callers compose them inside one transaction.
 */
public final class JobRepository {

  /** A new job row. */
  public record NewJob(String jobId, String jobType, JsonObject parameters, int totalStages) {}

  /** Result of {@code app.advance_job_stage}. */
  public record StageAdvance(boolean updated, int newStage, boolean finalStage) {}

  /** Filters and paging for listing jobs. */
  public record JobFilter(
      JobStatus status, String jobType, LocalDateTime createdSince, int limit, int offset) {}

  /** Inserts the job unless one with the same id exists; true when this call created it. */
  public Uni<Boolean> insertIfAbsent(SqlClient c, NewJob job) {
    return c.preparedQuery(
            "INSERT INTO app.jobs (job_id, job_type, parameters, total_stages) VALUES ($1, $2, $3, $4)"
                + " ON CONFLICT (job_id) DO NOTHING")
        .execute(Tuple.of(job.jobId(), job.jobType(), job.parameters(), job.totalStages()))
        .map(rs -> rs.rowCount() == 1)
        .onFailure()
        .transform(DbErrors::translate);
  }

  public Uni<Job> find(SqlClient c, String jobId) {
    return single(c, "SELECT * FROM app.jobs WHERE job_id = $1", Tuple.of(jobId));
  }

  /**
   * The job's status, its row share-locked for this transaction (a re-run waits until it ends);
   * null when there is no such job.
   */
  public Uni<String> statusForShare(SqlClient c, String jobId) {
    return c.preparedQuery("SELECT status::text AS s FROM app.jobs WHERE job_id = $1 FOR SHARE")
        .execute(Tuple.of(jobId))
        .map(rs -> rs.rowCount() == 0 ? null : rs.iterator().next().getString("s"))
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Moves a job from one status to another: the guarded transition. Null when the job was not in
   * {@code from}.
   */
  public Uni<Job> transition(SqlClient c, String jobId, JobStatus from, JobStatus to) {
    return single(
        c,
        "UPDATE app.jobs SET status = $3::app.job_status WHERE job_id = $1"
            + " AND status = $2::app.job_status RETURNING *",
        Tuple.of(jobId, from.sqlValue(), to.sqlValue()));
  }

  /** Fails a job that is in {@code from}, recording why. Null when it was not in {@code from}. */
  public Uni<Job> fail(
      SqlClient c, String jobId, JobStatus from, String error, JsonObject stageResultsPatch) {
    return single(
        c,
        "UPDATE app.jobs SET status = 'failed', error_details = $3,"
            + " stage_results = stage_results || $4"
            + " WHERE job_id = $1 AND status = $2::app.job_status RETURNING *",
        Tuple.of(
            jobId,
            from.sqlValue(),
            error,
            stageResultsPatch == null ? new JsonObject() : stageResultsPatch));
  }

  /**
   * Cancels a job that is queued or processing (the guarded transition for both). Null when it was
   * in neither.
   */
  public Uni<Job> cancel(SqlClient c, String jobId) {
    return single(
        c,
        "UPDATE app.jobs SET status = 'cancelled', error_details = 'cancelled on request'"
            + " WHERE job_id = $1 AND status IN ('queued', 'processing') RETURNING *",
        Tuple.of(jobId));
  }

  /**
   * Advances past {@code stage} through {@code app.advance_job_stage} (compare-and-set on stage and
   * status). On the final stage the job ends with {@code finalStatus} and {@code resultData}.
   */
  public Uni<StageAdvance> advanceStage(
      SqlClient c,
      String jobId,
      int stage,
      JsonObject stageResults,
      JobStatus finalStatus,
      JsonObject resultData) {
    return c.preparedQuery(
            "SELECT * FROM app.advance_job_stage($1, $2, $3, $4::app.job_status, $5)")
        .execute(Tuple.of(jobId, stage, stageResults, finalStatus.sqlValue(), resultData))
        .map(
            rs -> {
              Row r = rs.iterator().next();
              boolean updated = r.getBoolean("job_updated");
              return updated
                  ? new StageAdvance(
                      true, r.getInteger("new_stage"), r.getBoolean("is_final_stage"))
                  : new StageAdvance(false, 0, false);
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Puts a finished job back to {@code queued} at stage 1 with its results cleared, for an explicit
   * re-run. Null when the job is not in one of {@code from}.
   */
  public Uni<Job> resetForRerun(SqlClient c, String jobId, Set<JobStatus> from) {
    String[] statuses = from.stream().map(JobStatus::sqlValue).toArray(String[]::new);
    return single(
        c,
        "UPDATE app.jobs SET status = 'queued', stage = 1, stage_results = '{}', result_data = NULL,"
            + " error_details = NULL, published_at = NULL WHERE job_id = $1 AND status = ANY($2::app.job_status[])"
            + " RETURNING *",
        Tuple.of(jobId, statuses));
  }

  public Uni<List<Job>> list(SqlClient c, JobFilter f) {
    StringBuilder sql = new StringBuilder("SELECT * FROM app.jobs WHERE true");
    List<Object> args = new ArrayList<>();
    if (f.status() != null) {
      args.add(f.status().sqlValue());
      sql.append(" AND status = $").append(args.size()).append("::app.job_status");
    }
    if (f.jobType() != null) {
      args.add(f.jobType());
      sql.append(" AND job_type = $").append(args.size());
    }
    if (f.createdSince() != null) {
      args.add(f.createdSince());
      sql.append(" AND created_at >= $").append(args.size());
    }
    args.add(f.limit());
    sql.append(" ORDER BY created_at DESC, job_id LIMIT $").append(args.size());
    args.add(f.offset());
    sql.append(" OFFSET $").append(args.size());
    return c.preparedQuery(sql.toString())
        .execute(Tuple.from(args))
        .map(rs -> toList(rs))
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** A job stuck at a stage, for the janitor. */
  public record StuckJob(String jobId, String status, int stage) {}

  /**
   * Processing jobs whose current stage has only finished tasks but that did not advance for {@code
   * olderThanSeconds}, and for which no message is waiting in the outbox: their "stage completed"
   * message was lost.
   */
  public Uni<List<StuckJob>> stagesFinishedButNotAdvanced(
      SqlClient c, int olderThanSeconds, int limit) {
    return stuck(
        c,
        "SELECT j.job_id, j.status::text AS status, j.stage FROM app.jobs j"
            + " WHERE j.status = 'processing' AND j.updated_at < LOCALTIMESTAMP - make_interval(secs => $1)"
            + " AND EXISTS (SELECT 1 FROM app.tasks t WHERE t.parent_job_id = j.job_id AND t.stage = j.stage)"
            + " AND NOT EXISTS (SELECT 1 FROM app.tasks t WHERE t.parent_job_id = j.job_id"
            + " AND t.stage = j.stage AND t.status NOT IN ('completed', 'failed'))"
            + " AND NOT EXISTS (SELECT 1 FROM app.outbox o WHERE o.payload->>'job_id' = j.job_id)"
            + " ORDER BY j.updated_at LIMIT $2",
        olderThanSeconds,
        limit);
  }

  /**
   * Jobs still queued although their start message went to the broker more than {@code
   * olderThanSeconds} ago: the message was probably lost.
   */
  public Uni<List<StuckJob>> queuedButNotStarted(SqlClient c, int olderThanSeconds, int limit) {
    return stuck(
        c,
        "SELECT j.job_id, j.status::text AS status, j.stage FROM app.jobs j"
            + " WHERE j.status = 'queued'"
            + " AND j.published_at < LOCALTIMESTAMP - make_interval(secs => $1)"
            + " ORDER BY j.published_at LIMIT $2",
        olderThanSeconds,
        limit);
  }

  /**
   * Jobs neither created nor changed (status, stage) for {@code olderThanSeconds} that are still
   * queued or processing: past the stale horizon. Oldest first.
   */
  public Uni<List<StuckJob>> staleJobs(SqlClient c, int olderThanSeconds, int limit) {
    return stuck(
        c,
        "SELECT j.job_id, j.status::text AS status, j.stage FROM app.jobs j"
            + " WHERE j.status IN ('queued', 'processing')"
            + " AND j.created_at < LOCALTIMESTAMP - make_interval(secs => $1)"
            + " AND j.updated_at < LOCALTIMESTAMP - make_interval(secs => $1)"
            + " ORDER BY j.created_at LIMIT $2",
        olderThanSeconds,
        limit);
  }

  /**
   * Processing jobs unchanged for {@code olderThanSeconds} whose current stage has a failed task:
   * candidates for the job-health pass, which applies their failure policy.
   */
  public Uni<List<StuckJob>> withFailedTasks(SqlClient c, int olderThanSeconds, int limit) {
    return stuck(
        c,
        "SELECT j.job_id, j.status::text AS status, j.stage FROM app.jobs j"
            + " WHERE j.status = 'processing'"
            + " AND j.updated_at < LOCALTIMESTAMP - make_interval(secs => $1)"
            + " AND EXISTS (SELECT 1 FROM app.tasks t WHERE t.parent_job_id = j.job_id"
            + " AND t.stage = j.stage AND t.status = 'failed')"
            + " ORDER BY j.updated_at LIMIT $2",
        olderThanSeconds,
        limit);
  }

  /**
   * Records that these jobs' start messages were handed to the broker ({@code sent}: the outbox
   * relay, in the transaction that deletes their outbox rows) or are waiting in the outbox again
   * (the orphan detector re-sending them). Only queued jobs are marked; a row another transaction
   * holds right now is skipped rather than waited for.
   */
  public Uni<Void> markStartPublished(SqlClient c, List<String> jobIds, boolean sent) {
    if (jobIds.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    return c.preparedQuery(
            "UPDATE app.jobs j SET published_at = CASE WHEN $2 THEN LOCALTIMESTAMP END"
                + " FROM (SELECT job_id FROM app.jobs WHERE job_id = ANY($1::varchar[])"
                + " AND status = 'queued' ORDER BY job_id FOR UPDATE SKIP LOCKED) w"
                + " WHERE j.job_id = w.job_id")
        .execute(Tuple.tuple().addArrayOfString(jobIds.toArray(String[]::new)).addBoolean(sent))
        .replaceWithVoid()
        .onFailure()
        .transform(DbErrors::translate);
  }

  private Uni<List<StuckJob>> stuck(SqlClient c, String sql, int olderThanSeconds, int limit) {
    return c.preparedQuery(sql)
        .execute(Tuple.of(olderThanSeconds, limit))
        .map(
            rs -> {
              List<StuckJob> out = new ArrayList<>(rs.rowCount());
              rs.forEach(
                  r ->
                      out.add(
                          new StuckJob(
                              r.getString("job_id"),
                              r.getString("status"),
                              r.getInteger("stage"))));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  private Uni<Job> single(SqlClient c, String sql, Tuple args) {
    return c.preparedQuery(sql)
        .execute(args)
        .map(rs -> rs.rowCount() == 0 ? null : Rows.job(rs.iterator().next()))
        .onFailure()
        .transform(DbErrors::translate);
  }

  private static List<Job> toList(RowSet<Row> rs) {
    List<Job> out = new ArrayList<>(rs.rowCount());
    rs.forEach(r -> out.add(Rows.job(r)));
    return out;
  }
}
