package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.StacCatalogContainerJob;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CogValidator;
import io.geomachine.worker.raster.engine.CollectionExtent;
import io.geomachine.worker.raster.engine.RasterCodes;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterItems;
import io.geomachine.worker.raster.engine.SourceAccess;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Stage 2 of stac_catalog_container, one task per listed blob: reads the blob's metadata where it
 * lies, checks it is a valid COG with a CRS, and upserts its item (asset: the blob's own URL) in
 * the collection, created with the item's bounds if it is new. A blob that is not a COG (or not a
 * raster, or empty) is reported in the result with the reason and not catalogued; the task does not
 * fail for it. Nothing is written into the catalogued container (no sidecars).
 */
public final class StacContainerItemHandler implements TaskHandler {
  private static final Duration DB_TIMEOUT = Duration.ofSeconds(60);
  private final TilingContext ctx;
  private final StacCatalog stac = new StacCatalog();

  public StacContainerItemHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return StacCatalogContainerJob.ITEM_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    String container = p.getString("container_name");
    String blob = p.getString("blob_name");
    JsonObject result = new JsonObject().put("blob_name", blob);
    RasterInfo info;
    BlobEntry entry;
    try {
      entry = ctx.source().require(container, blob);
      try (SourceAccess.Opened src = ctx.access().open(container, entry, ctx.cacheDir())) {
        info = new CogValidator(ctx.remoteGdal()).validate(src.path(), container + "/" + blob);
      }
    } catch (TaskFailure e) {
      if (e.retryable()) {
        throw e;
      }
      return result.put("cataloged", false).put("code", e.code()).put("reason", e.getMessage());
    }
    if (info.bbox4326() == null) {
      return result
          .put("cataloged", false)
          .put("code", RasterCodes.CRS_MISSING)
          .put("reason", container + "/" + blob + " has no CRS: it cannot be placed on a map");
    }
    String collection = p.getString("collection_id");
    JsonObject item =
        RasterItems.item(
            new RasterItems.ItemSpec(
                collection,
                p.getString("item_id"),
                info,
                null,
                ctx.raster().store().url(container, blob),
                entry.lastModified().toString(),
                input.jobId(),
                input.jobType(),
                new JsonObject()
                    .put("app:source_container", container)
                    .put("app:source_blob", blob),
                null));
    new CollectionExtent(ctx.raster().pool(), stac)
        .ensure(collection, "COGs catalogued from container " + container, info.bbox4326());
    stac.upsertItem(ctx.raster().pool(), item).await().atMost(DB_TIMEOUT);
    return result
        .put("cataloged", true)
        .put("item_id", item.getString("id"))
        .put("bbox", item.getJsonArray("bbox"));
  }
}
