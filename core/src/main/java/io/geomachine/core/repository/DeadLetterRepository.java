package io.geomachine.core.repository;

import io.geomachine.core.messaging.MessageIds;
import io.geomachine.core.model.DeadLetteredMessage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** All SQL on {@code app.dead_letters}, the record of dead-lettered messages. */
public final class DeadLetterRepository {
  static final int SOURCE_LENGTH = 200;
  static final int JOB_ID_LENGTH = 64;
  static final int TASK_ID_LENGTH = 100;

  /**
   * A message to record. Use {@link #of} so the job and task it names are read from the payload and
   * every value fits its column (recording a dead letter must never fail on the message's content,
   * or the message would be redelivered forever).
   */
  public record NewDeadLetter(
      String source, String reason, String payload, String jobId, String taskId) {

    /**
     * The dead letter of {@code payload} (the message as text): its {@code job_id} and {@code
     * task_id} are taken when the payload is a JSON object with those fields as strings that fit
     * their columns, and otherwise recognized in the raw text when they can be.
     */
    public static NewDeadLetter of(String source, String payload, String reason) {
      JsonObject json = jsonObjectOrNull(payload);
      return new NewDeadLetter(
          clip(printable(source == null ? "unknown" : source), SOURCE_LENGTH),
          printable(reason == null ? "" : reason),
          printable(payload),
          idOf(json, payload, "job_id", JOB_ID_LENGTH),
          idOf(json, payload, "task_id", TASK_ID_LENGTH));
    }
  }

  /** Filters and paging for listing dead letters, newest first. */
  public record Filter(String source, String jobId, LocalDateTime since, int limit, int offset) {}

  /** Records a dead letter in the caller's transaction; returns its id. */
  public Uni<Long> insert(SqlClient c, NewDeadLetter d) {
    return c.preparedQuery(
            "INSERT INTO app.dead_letters (source, reason, payload, job_id, task_id)"
                + " VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .execute(Tuple.of(d.source(), d.reason(), d.payload(), d.jobId(), d.taskId()))
        .map(rs -> rs.iterator().next().getLong("id"))
        .onFailure()
        .transform(DbErrors::translate);
  }

  public Uni<DeadLetteredMessage> find(SqlClient c, long id) {
    return single(c, "SELECT * FROM app.dead_letters WHERE id = $1", Tuple.of(id));
  }

  /** The row, locked for this transaction (a re-drive), or null. */
  public Uni<DeadLetteredMessage> lock(SqlClient c, long id) {
    return single(c, "SELECT * FROM app.dead_letters WHERE id = $1 FOR UPDATE", Tuple.of(id));
  }

  /** A page of dead letters, newest first, optionally of one source and job, since a time. */
  public Uni<List<DeadLetteredMessage>> list(SqlClient c, Filter f) {
    return c.preparedQuery(
            "SELECT * FROM app.dead_letters WHERE ($1::text IS NULL OR source = $1)"
                + " AND ($2::text IS NULL OR job_id = $2)"
                + " AND ($3::timestamp IS NULL OR dead_lettered_at >= $3)"
                + " ORDER BY dead_lettered_at DESC, id DESC LIMIT $4 OFFSET $5")
        .execute(Tuple.of(f.source(), f.jobId(), f.since(), f.limit(), f.offset()))
        .map(
            rs -> {
              List<DeadLetteredMessage> out = new ArrayList<>(rs.rowCount());
              rs.forEach(r -> out.add(row(r)));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** Records a re-drive: now, one more. Null when there is no such row. */
  public Uni<DeadLetteredMessage> markRedriven(SqlClient c, long id) {
    return single(
        c,
        "UPDATE app.dead_letters SET redriven_at = NOW(), redrive_count = redrive_count + 1"
            + " WHERE id = $1 RETURNING *",
        Tuple.of(id));
  }

  private Uni<DeadLetteredMessage> single(SqlClient c, String sql, Tuple args) {
    return c.preparedQuery(sql)
        .execute(args)
        .map(rs -> rs.rowCount() == 0 ? null : row(rs.iterator().next()))
        .onFailure()
        .transform(DbErrors::translate);
  }

  private static DeadLetteredMessage row(Row r) {
    return new DeadLetteredMessage(
        r.getLong("id"),
        r.getString("source"),
        r.getString("reason"),
        r.getString("payload"),
        r.getString("job_id"),
        r.getString("task_id"),
        r.getLocalDateTime("dead_lettered_at"),
        r.getLocalDateTime("redriven_at"),
        r.getInteger("redrive_count"));
  }

  private static JsonObject jsonObjectOrNull(String payload) {
    if (payload == null) {
      return null;
    }
    try {
      return new JsonObject(payload);
    } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The id field of a JSON object payload; otherwise (not JSON, the field missing or not a string)
   * an id recognizable in the raw text ({@link MessageIds}).
   */
  private static String idOf(JsonObject json, String payload, String field, int maxLength) {
    String id = idField(json, field, maxLength);
    if (id != null) {
      return id;
    }
    return ("job_id".equals(field) ? MessageIds.jobId(payload) : MessageIds.taskId(payload))
        .filter(s -> s.length() <= maxLength)
        .orElse(null);
  }

  private static String idField(JsonObject json, String field, int maxLength) {
    if (json == null || !(json.getValue(field) instanceof String s)) {
      return null;
    }
    String id = s.trim();
    return id.isEmpty() || id.length() > maxLength || !id.equals(printable(id)) ? null : id;
  }

  /** PostgreSQL text cannot hold NUL characters; they become U+FFFD. */
  static String printable(String text) {
    return text == null ? null : text.replace('\u0000', '\uFFFD');
  }

  private static String clip(String text, int maxLength) {
    return text.length() <= maxLength ? text : text.substring(0, maxLength);
  }
}
