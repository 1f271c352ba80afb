package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.MosaicStages;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.raster.engine.CollectionExtent;
import io.geomachine.worker.raster.engine.MosaicJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Fan-in over the COGs of a tiled or collection job: writes their MosaicJSON next to them (in the
 * mosaic container, same folder) and passes on what the STAC stage needs. Writing the same
 * document again on a re-run replaces it.
 */
public final class MosaicJsonHandler implements TaskHandler {
  public static final String CONTENT_TYPE = "application/json";
  private final BlobStore blobs;
  private final String mosaicContainer;

  public MosaicJsonHandler(BlobStore blobs, String mosaicContainer) {
    this.blobs = blobs;
    this.mosaicContainer = mosaicContainer;
  }

  @Override
  public String taskType() {
    return MosaicStages.MOSAIC_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws TaskFailure {
    List<JsonObject> cogs = new ArrayList<>();
    for (Object o : input.parameters().getJsonArray("inputs")) {
      JsonObject in = (JsonObject) o;
      cogs.add(in.getJsonObject("result").copy().put("task_index", in.getString("task_index")));
    }
    if (cogs.isEmpty()) {
      throw TaskFailure.permanent("NO_COGS", "the previous stage produced no COG to mosaic");
    }
    cogs.sort(Comparator.comparing(c -> c.getString("task_index")));
    List<MosaicJson.Tile> tiles = new ArrayList<>();
    JsonArray items = new JsonArray();
    for (JsonObject c : cogs) {
      double[] bbox = CollectionExtent.bbox(c.getJsonArray("bbox"));
      tiles.add(
          new MosaicJson.Tile(
              c.getString("cog_url"), bbox, c.getLong("width"), c.getLong("height")));
      items.add(
          new JsonObject()
              .put("task_index", c.getString("task_index"))
              .put("item_id", c.getString("item_id"))
              .put("sidecar_blob", c.getString("sidecar_blob"))
              .put("bbox", c.getJsonArray("bbox")));
    }
    String collectionId = cogs.get(0).getString("collection_id");
    String cogBlob = cogs.get(0).getString("cog_blob");
    String mosaicBlob = cogBlob.substring(0, cogBlob.lastIndexOf('/') + 1) + "mosaic.json";
    JsonObject doc = MosaicJson.build(collectionId, tiles, input.parameters().getInteger("maxzoom"));
    blobs.ensureContainer(mosaicContainer);
    blobs.uploadBytes(
        mosaicContainer,
        mosaicBlob,
        doc.encodePrettily().getBytes(StandardCharsets.UTF_8),
        CONTENT_TYPE);
    return new JsonObject()
        .put("mosaic_blob", mosaicBlob)
        .put("mosaic_url", blobs.url(mosaicContainer, mosaicBlob))
        .put("minzoom", doc.getInteger("minzoom"))
        .put("maxzoom", doc.getInteger("maxzoom"))
        .put("bounds", doc.getJsonArray("bounds"))
        .put("quadkeys", doc.getJsonObject("tiles").size())
        .put("collection_id", collectionId)
        .put("items", items);
  }
}
