package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.StacCatalogContainerJob;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CollectionExtent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Stage 3 of stac_catalog_container: widens the collection's extent to the union of the items just
 * catalogued; with nothing catalogued (an empty container) there is nothing to do.
 */
public final class StacContainerFinishHandler implements TaskHandler {
  private final TilingContext ctx;

  public StacContainerFinishHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return StacCatalogContainerJob.FINISH_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) {
    JsonObject p = input.parameters();
    List<double[]> bboxes = new ArrayList<>();
    for (Object o : p.getJsonArray("inputs")) {
      JsonObject r = ((JsonObject) o).getJsonObject("result");
      if (r.getBoolean("cataloged", false)) {
        bboxes.add(CollectionExtent.bbox(r.getJsonArray("bbox")));
      }
    }
    String collection = p.getString("collection_id");
    if (!bboxes.isEmpty()) {
      new CollectionExtent(ctx.raster().pool(), new StacCatalog()).widen(collection, bboxes, null);
    }
    return new JsonObject()
        .put("collection_id", collection)
        .put("item_count", bboxes.size())
        .put("blobs_checked", p.getJsonArray("inputs").size());
  }
}
