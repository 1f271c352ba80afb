package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.MosaicStages;
import io.geomachine.core.job.raster.RasterParameters;
import io.geomachine.core.stac.StacCatalog;
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
 * The last stage of the tiled and collection jobs: the MosaicJSON over every catalogued COG
 * (written to the mosaic container as {@code {output}/{job}/mosaic.json}, replaced on a re-run),
 * the collection's extent widened to the union of its new items, and the job's intermediate files
 * removed now that it has succeeded.
 */
public final class MosaicFinishHandler implements TaskHandler {
  public static final String MOSAIC_FILE = "mosaic.json";
  private final TilingContext ctx;

  public MosaicFinishHandler(TilingContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public String taskType() {
    return MosaicStages.FINISH_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) throws TaskFailure {
    JsonObject p = input.parameters();
    List<JsonObject> items = new ArrayList<>();
    for (Object o : p.getJsonArray("inputs")) {
      JsonObject in = (JsonObject) o;
      items.add(in.getJsonObject("result").copy().put("task_index", in.getString("task_index")));
    }
    if (items.isEmpty()) {
      throw TaskFailure.permanent("NO_COGS", "the job catalogued no COG to mosaic");
    }
    items.sort(Comparator.comparing(i -> i.getString("task_index")));
    String collectionId = p.getString(RasterParameters.COLLECTION_ID);
    List<MosaicJson.Tile> tiles = new ArrayList<>();
    List<double[]> bboxes = new ArrayList<>();
    for (JsonObject item : items) {
      double[] bbox = CollectionExtent.bbox(item.getJsonArray("bbox"));
      JsonArray shape = sidecar(item).getJsonObject("properties").getJsonArray("proj:shape");
      tiles.add(
          new MosaicJson.Tile(item.getString("href"), bbox, shape.getLong(1), shape.getLong(0)));
      bboxes.add(bbox);
    }
    JsonObject doc = MosaicJson.build(collectionId, tiles, p.getInteger("maxzoom"));
    String mosaicContainer = ctx.raster().layout().mosaicContainer();
    String mosaicBlob = p.getString("output_prefix") + MOSAIC_FILE;
    ctx.raster().store().ensureContainer(mosaicContainer);
    ctx.raster()
        .store()
        .uploadBytes(
            mosaicContainer,
            mosaicBlob,
            doc.encodePrettily().getBytes(StandardCharsets.UTF_8),
            "application/json");
    String url = ctx.raster().store().url(mosaicContainer, mosaicBlob);
    new CollectionExtent(ctx.raster().pool(), new StacCatalog())
        .widen(
            collectionId,
            bboxes,
            new JsonObject()
                .put("href", url)
                .put("type", "application/json")
                .put("title", "MosaicJSON of job " + input.jobId())
                .put("roles", new JsonArray().add("mosaic")));
    ctx.intermediates()
        .release(input.jobId(), ctx.raster().layout().cogContainer(), p.getString("output_prefix"));
    int removed = ctx.intermediates().removeAll(input.jobId());
    return new JsonObject()
        .put("collection_id", collectionId)
        .put("mosaicjson_container", mosaicContainer)
        .put("mosaicjson_blob", mosaicBlob)
        .put("mosaicjson_url", url)
        .put("minzoom", doc.getInteger("minzoom"))
        .put("maxzoom", doc.getInteger("maxzoom"))
        .put("bounds", doc.getJsonArray("bounds"))
        .put("quadkeys", doc.getJsonObject("tiles").size())
        .put("cog_count", tiles.size())
        .put("intermediates_removed", removed);
  }

  private JsonObject sidecar(JsonObject item) {
    byte[] bytes =
        ctx.raster()
            .store()
            .downloadBytes(item.getString("sidecar_container"), item.getString("sidecar_blob"));
    return new JsonObject(new String(bytes, StandardCharsets.UTF_8));
  }
}
