package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.MosaicStages;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CollectionExtent;
import io.geomachine.worker.raster.engine.JobIntermediates;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The last stage of a mosaic job: the collection (created if new, its extent widened to its new
 * items), one item per COG from the sidecar the COG task wrote (upserted: a re-run replaces them),
 * the MosaicJSON as a collection asset, and the job's intermediate files removed.
 */
public final class MosaicStacHandler implements TaskHandler {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);
  private final Pool pool;
  private final BlobStore blobs;
  private final String cogContainer;
  private final StacCatalog catalog = new StacCatalog();
  private final CollectionExtent extents;
  private final JobIntermediates intermediates;

  public MosaicStacHandler(Pool pool, BlobStore blobs, String cogContainer) {
    this.pool = pool;
    this.blobs = blobs;
    this.cogContainer = cogContainer;
    this.extents = new CollectionExtent(pool, catalog);
    this.intermediates = new JobIntermediates(pool, blobs);
  }

  @Override
  public String taskType() {
    return MosaicStages.STAC_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) {
    JsonObject mosaic =
        input.parameters().getJsonArray("inputs").getJsonObject(0).getJsonObject("result");
    String collectionId = mosaic.getString("collection_id");
    List<double[]> bboxes = new ArrayList<>();
    JsonArray items = mosaic.getJsonArray("items");
    items.forEach(i -> bboxes.add(CollectionExtent.bbox(((JsonObject) i).getJsonArray("bbox"))));
    extents.ensure(
        collectionId,
        "Raster mosaic " + collectionId + " (MosaicJSON: " + mosaic.getString("mosaic_url") + ")",
        CollectionExtent.union(bboxes));
    JsonArray ids = new JsonArray();
    for (Object o : items) {
      JsonObject ref = (JsonObject) o;
      JsonObject item = new JsonObject(new String(blobs.downloadBytes(cogContainer, ref.getString("sidecar_blob")), java.nio.charset.StandardCharsets.UTF_8));
      item.put("collection", collectionId);
      catalog.upsertItem(pool, item).await().atMost(TIMEOUT);
      ids.add(item.getString("id"));
    }
    extents.widen(collectionId, bboxes);
    int removed = intermediates.removeAll(input.jobId());
    return new JsonObject()
        .put("collection_id", collectionId)
        .put("item_count", ids.size())
        .put("items", ids)
        .put("mosaic_url", mosaic.getString("mosaic_url"))
        .put("intermediates_removed", removed);
  }
}
