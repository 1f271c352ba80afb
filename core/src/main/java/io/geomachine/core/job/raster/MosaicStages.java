package io.geomachine.core.job.raster;

import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The two closing stages the tiled and the collection jobs share: a MosaicJSON over every COG of
 * the previous stage (fan-in), then the STAC collection with one item per COG, its extent the union
 * of theirs, and the job's intermediate files removed (fan-in of the one mosaic result).
 */
public final class MosaicStages {
  public static final String MOSAIC_TASK = "raster_mosaicjson";
  public static final String STAC_TASK = "raster_mosaic_stac";

  private MosaicStages() {}

  public static StageDefinition mosaic() {
    return StageDefinition.fanIn("mosaicjson", MOSAIC_TASK, TaskQueue.RASTER);
  }

  public static StageDefinition stac() {
    return StageDefinition.fanIn("stac", STAC_TASK, TaskQueue.RASTER);
  }

  /** The job result of a mosaic job: the MosaicJSON, the collection and its items. */
  public static JsonObject result(Map<Integer, List<TaskResult>> byStage, int mosaicStage) {
    JsonObject out = new JsonObject();
    List<TaskResult> mosaic = byStage.getOrDefault(mosaicStage, List.of());
    List<TaskResult> stac = byStage.getOrDefault(mosaicStage + 1, List.of());
    if (!mosaic.isEmpty()) {
      JsonObject m = mosaic.get(0).result();
      out.put("mosaicjson_url", m.getString("mosaic_url"))
          .put("mosaicjson_blob", m.getString("mosaic_blob"))
          .put("minzoom", m.getInteger("minzoom"))
          .put("maxzoom", m.getInteger("maxzoom"))
          .put("bounds", m.getJsonArray("bounds"));
    }
    if (!stac.isEmpty()) {
      JsonObject s = stac.get(0).result();
      out.put("collection_id", s.getString("collection_id"))
          .put("item_count", s.getInteger("item_count"))
          .put("items", s.getJsonArray("items", new JsonArray()))
          .put("intermediates_removed", s.getInteger("intermediates_removed"));
    }
    return out;
  }
}
