package io.geomachine.core.repository;

import io.geomachine.core.messaging.Destination;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** All SQL on {@code app.outbox}, the transactional outbox. */
public final class OutboxRepository {

  /** A message waiting to be published. */
  public record Pending(long id, Destination destination, JsonObject payload) {}

  /** Queues messages for one destination, in one round trip, in the caller's transaction. */
  public Uni<Void> enqueue(SqlClient c, Destination destination, List<JsonObject> payloads) {
    if (payloads.isEmpty()) {
      return Uni.createFrom().voidItem();
    }
    String[] encoded = payloads.stream().map(JsonObject::encode).toArray(String[]::new);
    return c.preparedQuery(
            "INSERT INTO app.outbox (destination, payload)"
                + " SELECT $1, p::jsonb FROM unnest($2::text[]) WITH ORDINALITY AS u(p, n) ORDER BY n")
        .execute(Tuple.tuple().addString(destination.logicalName()).addArrayOfString(encoded))
        .replaceWithVoid()
        .onFailure()
        .transform(DbErrors::translate);
  }

  public Uni<Void> enqueue(SqlClient c, Destination destination, JsonObject payload) {
    return enqueue(c, destination, List.of(payload));
  }

  /** Queues one message that the relay publishes only after {@code delaySeconds} (retries). */
  public Uni<Void> enqueueDelayed(
      SqlClient c, Destination destination, JsonObject payload, double delaySeconds) {
    return c.preparedQuery(
            "INSERT INTO app.outbox (destination, payload, available_at)"
                + " VALUES ($1, $2, LOCALTIMESTAMP + make_interval(secs => $3))")
        .execute(Tuple.of(destination.logicalName(), payload, delaySeconds))
        .replaceWithVoid()
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Locks the oldest due messages for the given destinations; rows another relay holds are skipped,
   * so relays in several replicas never send the same row at once.
   */
  public Uni<List<Pending>> lockDue(SqlClient c, Collection<Destination> destinations, int limit) {
    String[] names = destinations.stream().map(Destination::logicalName).toArray(String[]::new);
    return c.preparedQuery(
            "SELECT id, destination, payload FROM app.outbox"
                + " WHERE destination = ANY($1::varchar[]) AND available_at <= LOCALTIMESTAMP"
                + " ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED")
        .execute(Tuple.tuple().addArrayOfString(names).addInteger(limit))
        .map(
            rs -> {
              List<Pending> out = new ArrayList<>(rs.rowCount());
              rs.forEach(
                  r ->
                      out.add(
                          new Pending(
                              r.getLong("id"),
                              Destination.fromLogicalName(r.getString("destination")),
                              r.getJsonObject("payload"))));
              return out;
            })
        .onFailure()
        .transform(DbErrors::translate);
  }

  public Uni<Void> delete(SqlClient c, List<Long> ids) {
    return c.preparedQuery("DELETE FROM app.outbox WHERE id = ANY($1::bigint[])")
        .execute(Tuple.tuple().addArrayOfLong(ids.toArray(Long[]::new)))
        .replaceWithVoid()
        .onFailure()
        .transform(DbErrors::translate);
  }
}
