package io.geomachine.worker.raster.tasks;

import static io.geomachine.core.job.raster.RasterParameters.BLOB_NAME;
import static io.geomachine.core.job.raster.RasterParameters.COLLECTION_ID;
import static io.geomachine.core.job.raster.RasterParameters.CONTAINER_NAME;
import static io.geomachine.core.job.raster.RasterParameters.ITEM_ID;
import static io.geomachine.core.job.raster.RasterParameters.PLATFORM_PROPERTIES;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.raster.RasterTasks;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.stac.StacDocuments;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.geomachine.worker.raster.engine.RasterItems;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Catalogues a published COG: creates the user's collection when it is missing (never touching an
 * existing or system one), upserts the item through pgstac (a re-run replaces it, no duplicate),
 * and writes the item as a JSON sidecar next to the COG.
 */
public final class RasterStacItemHandler implements TaskHandler {
  static final Duration DB_TIMEOUT = Duration.ofSeconds(60);

  private final RasterTaskContext ctx;
  private final StacCatalog stac = new StacCatalog();

  public RasterStacItemHandler(RasterTaskContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return RasterTasks.STAC_ITEM;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    JsonObject p = input.parameters();
    JsonObject cog = p.getJsonObject(RasterTasks.COG);
    String collection = p.getString(COLLECTION_ID);
    if (collection == null || collection.isBlank()) {
      collection = RasterItems.SYSTEM_COLLECTION;
    }
    String itemId = p.getString(ITEM_ID);
    if (itemId == null || itemId.isBlank()) {
      itemId = RasterItems.defaultItemId(p.getString(CONTAINER_NAME), p.getString(BLOB_NAME));
    }
    RasterInfo cogInfo = RasterInfo.fromJson(cog.getJsonObject("cog_info"));
    RasterInfo sourceInfo = RasterInfo.fromJson(cog.getJsonObject("source_info"));
    JsonObject properties =
        new JsonObject()
            .put("app:source_container", p.getString(CONTAINER_NAME))
            .put("app:source_blob", p.getString(BLOB_NAME))
            .put("app:raster_type", cog.getString("raster_type"))
            .put("app:output_tier", cog.getString("output_tier"));
    JsonObject item =
        RasterItems.item(
            new RasterItems.ItemSpec(
                collection,
                itemId,
                cogInfo,
                sourceInfo,
                cog.getString("href"),
                cog.getString("last_modified"),
                input.jobId(),
                input.jobType(),
                properties,
                p.getJsonObject(PLATFORM_PROPERTIES)));
    boolean created = false;
    if (!StacCatalog.isSystemCollection(collection)) {
      created =
          stac.ensureCollection(
                  ctx.pool(),
                  StacDocuments.collection(
                      collection,
                      null,
                      "Rasters published by GeoMachine",
                      cogInfo.bbox4326(),
                      cog.getString("last_modified")))
              .await()
              .atMost(DB_TIMEOUT);
    }
    stac.upsertItem(ctx.pool(), item).await().atMost(DB_TIMEOUT);
    String sidecar = RasterItems.sidecarName(cog.getString("cog_blob"));
    try {
      ctx.store()
          .uploadBytes(
              cog.getString("cog_container"),
              sidecar,
              item.encodePrettily().getBytes(StandardCharsets.UTF_8),
              "application/json");
    } catch (GeoMachineException e) {
      throw new TaskFailure(e.code().name(), "writing the sidecar failed: " + e.getMessage(), true);
    }
    return new JsonObject()
        .put("collection_id", collection)
        .put("item_id", itemId)
        .put("collection_created", created)
        .put("bbox", item.getJsonArray("bbox"))
        .put("href", cog.getString("href"))
        .put("sidecar_container", cog.getString("cog_container"))
        .put("sidecar_blob", sidecar);
  }
}
