package io.geomachine.worker.raster.engine;

import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;

/**
 * Creates a job's STAC collection before its items and afterwards widens its spatial extent to
 * include them (the union with what it covered before, so another job's items stay inside). System
 * collections are only ever added to: their metadata is never touched.
 */
public final class CollectionExtent {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  private final Pool pool;
  private final StacCatalog catalog;

  public CollectionExtent(Pool pool, StacCatalog catalog) {
    this.pool = pool;
    this.catalog = catalog;
  }

  /**
   * Creates the collection unless it exists, its extent {@code bbox} (the first items' bounds, so
   * it never starts as the whole world).
   */
  public void ensure(String id, String description, double[] bbox) {
    catalog
        .ensureCollection(pool, StacDocuments.collection(id, id, description, bbox, null))
        .await()
        .atMost(TIMEOUT);
  }

  /**
   * Widens the collection's extent to include every bbox and, when given, sets its {@code
   * mosaicjson} asset; nothing for a system collection.
   */
  public void widen(String id, Collection<double[]> bboxes, JsonObject mosaicAsset) {
    if (StacCatalog.isSystemCollection(id) || bboxes.isEmpty()) {
      return;
    }
    JsonObject collection = current(id).orElseThrow();
    double[] union = union(bboxes);
    JsonArray spatial =
        collection.getJsonObject("extent").getJsonObject("spatial").getJsonArray("bbox");
    if (!spatial.isEmpty()) {
      JsonArray old = spatial.getJsonArray(0);
      for (int i = 0; i < 4; i++) {
        double v = old.getDouble(i);
        union[i] = i < 2 ? Math.min(union[i], v) : Math.max(union[i], v);
      }
    }
    JsonArray newBbox = new JsonArray().add(StacDocuments.bboxArray(union));
    collection.getJsonObject("extent").getJsonObject("spatial").put("bbox", newBbox);
    if (mosaicAsset != null) {
      JsonObject assets = collection.getJsonObject("assets", new JsonObject());
      collection.put("assets", assets.put("mosaicjson", mosaicAsset));
    }
    catalog.updateCollection(pool, collection).await().atMost(TIMEOUT);
  }

  public static double[] union(Collection<double[]> bboxes) {
    double[] u = {Double.MAX_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
    for (double[] b : bboxes) {
      u[0] = Math.min(u[0], b[0]);
      u[1] = Math.min(u[1], b[1]);
      u[2] = Math.max(u[2], b[2]);
      u[3] = Math.max(u[3], b[3]);
    }
    return u;
  }

  public static double[] bbox(JsonArray a) {
    return new double[] {a.getDouble(0), a.getDouble(1), a.getDouble(2), a.getDouble(3)};
  }

  /** The collection document as stored (a read; writes go through pgstac's functions). */
  private Optional<JsonObject> current(String id) {
    return pool.preparedQuery("SELECT content::text AS c FROM pgstac.collections WHERE id = $1")
        .execute(Tuple.of(id))
        .map(
            rs -> {
              for (Row r : rs) {
                return Optional.of(new JsonObject(r.getString("c")));
              }
              return Optional.<JsonObject>empty();
            })
        .await()
        .atMost(TIMEOUT);
  }
}
