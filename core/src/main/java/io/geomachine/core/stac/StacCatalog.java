package io.geomachine.core.stac;

import io.geomachine.core.repository.DbErrors;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the ETL writes STAC: always through pgstac's own functions (which maintain its partitions and
 * search indexes), never by inserting into its tables. Collections are created before their items;
 * an existing collection is never overwritten by a job, and a system collection never updated.
 * pgstac's functions resolve their own tables through {@code search_path}, so every call runs in a
 * transaction that sets it locally (the pool's connections keep the service's default).
 */
public final class StacCatalog {
  /** Infrastructure collections (created by schema deploys), which jobs only add items to. */
  public static final List<String> SYSTEM_COLLECTIONS = List.of("system-vectors", "system-rasters");

  /** The item property naming the job that wrote an item (unpublish workflows rely on it). */
  public static final String JOB_ID_PROPERTY = "app:job_id";

  public static final String JOB_TYPE_PROPERTY = "app:job_type";

  /** Runs {@code work} in a transaction whose search_path lets pgstac's functions find pgstac. */
  private static <T> Uni<T> inPgstac(
      Pool pool, java.util.function.Function<SqlClient, Uni<T>> work) {
    return pool.withTransaction(c -> c.query(PGSTAC_SESSION).execute().chain(() -> work.apply(c)))
        .onFailure()
        .transform(DbErrors::translate);
  }

  /**
   * Run first in every pgstac transaction: its functions find their tables through search_path, and
   * their progress NOTICEs (several per item) would otherwise flood the service logs.
   */
  private static final String PGSTAC_SESSION =
      "SET LOCAL search_path TO pgstac, public; SET LOCAL client_min_messages TO warning";

  public static boolean isSystemCollection(String id) {
    return SYSTEM_COLLECTIONS.contains(id);
  }

  /**
   * Creates the collection unless one with its id exists (whatever its content); true when this
   * call created it. Safe when several tasks race to create the same collection.
   */
  public Uni<Boolean> ensureCollection(Pool pool, JsonObject collection) {
    String id = collection.getString("id");
    return inPgstac(
            pool,
            c ->
                c.preparedQuery(
                        "SELECT pgstac.create_collection($1::jsonb) FROM (SELECT 1) s"
                            + " WHERE NOT EXISTS (SELECT 1 FROM pgstac.collections WHERE id = $2)")
                    .execute(Tuple.of(collection, id))
                    .map(rs -> rs.rowCount() == 1))
        .onFailure(DbErrors::isUniqueViolation)
        .recoverWithItem(false);
  }

  /**
   * Replaces a collection a job created (its extent after the items are in, say). Refuses system
   * collections: their metadata belongs to the platform.
   */
  public Uni<Void> updateCollection(Pool pool, JsonObject collection) {
    String id = collection.getString("id");
    if (isSystemCollection(id)) {
      return Uni.createFrom()
          .failure(new IllegalArgumentException("system collection " + id + " is not updated"));
    }
    return inPgstac(
        pool,
        c ->
            c.preparedQuery("SELECT pgstac.upsert_collection($1::jsonb)")
                .execute(Tuple.of(collection))
                .replaceWithVoid());
  }

  /** Creates or replaces an item (its collection must exist): re-running gives the same item. */
  public Uni<Void> upsertItem(Pool pool, JsonObject item) {
    return inPgstac(
        pool,
        c ->
            c.preparedQuery("SELECT pgstac.upsert_item($1::jsonb)")
                .execute(Tuple.of(item))
                .replaceWithVoid());
  }

  /**
   * Creates or replaces an item inside the caller's transaction {@code tx}, so the item commits or
   * rolls back with the caller's other writes (a published table and its register row). It sets
   * {@code search_path} for the rest of that transaction: run it last, after schema-qualified SQL.
   */
  public Uni<Void> upsertItemIn(SqlClient tx, JsonObject item) {
    return tx.query(PGSTAC_SESSION)
        .execute()
        .chain(
            () -> tx.preparedQuery("SELECT pgstac.upsert_item($1::jsonb)").execute(Tuple.of(item)))
        .onFailure()
        .transform(DbErrors::translate)
        .replaceWithVoid();
  }

  /**
   * Deletes an item inside the caller's transaction (see {@link #upsertItemIn}); true when it
   * existed.
   */
  public Uni<Boolean> deleteItemIn(SqlClient tx, String collection, String id) {
    return tx.query(PGSTAC_SESSION)
        .execute()
        .chain(
            () ->
                tx.preparedQuery(
                        "SELECT pgstac.delete_item($1, $2) FROM pgstac.items WHERE collection = $2 AND id = $1")
                    .execute(Tuple.of(id, collection)))
        .map(rs -> rs.rowCount() == 1)
        .onFailure()
        .transform(DbErrors::translate);
  }

  /** The item as pgstac returns it, if it exists. */
  public Uni<Optional<JsonObject>> item(Pool pool, String collection, String id) {
    return inPgstac(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT pgstac.get_item($1, $2) AS item FROM pgstac.items"
                        + " WHERE collection = $2 AND id = $1")
                .execute(Tuple.of(id, collection))
                .map(
                    rs -> {
                      for (Row r : rs) {
                        Object item = r.getValue("item");
                        return Optional.ofNullable(toJson(item));
                      }
                      return Optional.<JsonObject>empty();
                    }));
  }

  /** Ids of the items a job wrote, as {@code collection/id}. */
  public Uni<List<String>> itemsOfJob(Pool pool, String jobId) {
    return inPgstac(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT collection, id FROM pgstac.items WHERE content->'properties'->>$1 = $2"
                        + " ORDER BY collection, id")
                .execute(Tuple.of(JOB_ID_PROPERTY, jobId))
                .map(
                    rs -> {
                      List<String> out = new ArrayList<>();
                      rs.forEach(r -> out.add(r.getString("collection") + "/" + r.getString("id")));
                      return out;
                    }));
  }

  /** Deletes an item through pgstac; true when it existed. */
  public Uni<Boolean> deleteItem(Pool pool, String collection, String id) {
    return inPgstac(
        pool,
        c ->
            c.preparedQuery(
                    "SELECT pgstac.delete_item($1, $2) FROM pgstac.items WHERE collection = $2 AND id = $1")
                .execute(Tuple.of(id, collection))
                .map(rs -> rs.rowCount() == 1));
  }

  private static JsonObject toJson(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject j ? j : new JsonObject(value.toString());
  }
}
