package io.geomachine.core.job.raster;

import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The two closing stages the tiled and the collection jobs share: one STAC item per COG of the
 * previous stage (fan-out, process_raster's item task, same index as the COG), then a fan-in that
 * writes the MosaicJSON over the COGs, widens the collection's extent to the union of the items and
 * removes the job's intermediate files.
 */
public final class MosaicStages {
  public static final String FINISH_TASK = "raster_mosaic_finish";

  private MosaicStages() {}

  /**
   * @param names the job's {@code collection_id} (and output names) for a stage context
   * @param itemId the item id of one COG result (from the collection id and the COG's result)
   */
  public static StageDefinition items(
      Function<StageContext, JsonObject> names, BiFunction<String, JsonObject, String> itemId) {
    return StageDefinition.fanOut(
        "stac_items",
        RasterTasks.STAC_ITEM,
        TaskQueue.RASTER,
        ctx -> {
          String collection = names.apply(ctx).getString(RasterParameters.COLLECTION_ID);
          List<TaskSpec> specs = new ArrayList<>();
          for (TaskResult cog : ctx.previousResults()) {
            JsonObject p =
                RasterJobParameters.taskParams(ctx.jobParameters())
                    .put(RasterParameters.BLOB_NAME, cog.result().getString("blob_name"))
                    .put(RasterParameters.COLLECTION_ID, collection)
                    .put(RasterParameters.ITEM_ID, itemId.apply(collection, cog.result()))
                    .put(RasterTasks.COG, cog.result());
            specs.add(new TaskSpec(cog.taskIndex(), p));
          }
          return specs;
        });
  }

  /**
   * A fan-in (one task, index {@code "0"}) given every item of the previous stage as {@code inputs}
   * plus the job's output names ({@code output_prefix}, {@code collection_id}).
   */
  public static StageDefinition finish(Function<StageContext, JsonObject> names) {
    return fanInWith("mosaicjson", FINISH_TASK, names);
  }

  /** A fan-in whose one task also gets {@code extra(ctx)} merged into its parameters. */
  static StageDefinition fanInWith(
      String name, String taskType, Function<StageContext, JsonObject> extra) {
    return fanInWith(name, taskType, extra, ctx -> true);
  }

  /** The same, planning no task at all unless {@code when} holds (the stage then ends at once). */
  static StageDefinition fanInWith(
      String name,
      String taskType,
      Function<StageContext, JsonObject> extra,
      java.util.function.Predicate<StageContext> when) {
    StageDefinition fanIn = StageDefinition.fanIn(name, taskType, TaskQueue.RASTER);
    return new StageDefinition(
        fanIn.name(),
        fanIn.taskType(),
        fanIn.kind(),
        fanIn.queue(),
        ctx -> {
          if (!when.test(ctx)) {
            return List.of();
          }
          TaskSpec spec = fanIn.planner().plan(ctx).get(0);
          return List.of(new TaskSpec(spec.index(), spec.parameters().mergeIn(extra.apply(ctx))));
        });
  }

  /** The job result of a mosaic job: the MosaicJSON, the collection and its items. */
  public static JsonObject result(Map<Integer, List<TaskResult>> byStage, int itemStage) {
    JsonObject out = new JsonObject();
    JsonArray items = new JsonArray();
    for (TaskResult r : byStage.getOrDefault(itemStage, List.of())) {
      items.add(r.result().getString("item_id"));
    }
    out.put("item_count", items.size()).put("items", items);
    List<TaskResult> finish = byStage.getOrDefault(itemStage + 1, List.of());
    if (!finish.isEmpty()) {
      JsonObject m = finish.get(0).result();
      for (String k :
          List.of(
              "collection_id",
              "mosaicjson_url",
              "mosaicjson_container",
              "mosaicjson_blob",
              "minzoom",
              "maxzoom",
              "bounds",
              "intermediates_removed")) {
        out.put(k, m.getValue(k));
      }
    }
    return out;
  }
}
