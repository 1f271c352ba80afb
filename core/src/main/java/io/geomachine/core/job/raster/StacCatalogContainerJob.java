package io.geomachine.core.job.raster;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.ParameterSchema;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.StageDefinition;
import io.geomachine.core.job.TaskIds;
import io.geomachine.core.job.TaskQueue;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Catalogs COGs that already exist: list a container (prefix, extension filter, limit) → one task
 * per listed blob that checks it is a COG and writes its STAC item (fan-out) → the collection's
 * extent set to the union of its items. A blob that is not a COG is reported in the result, not
 * cataloged; a container with nothing to catalog plans no item tasks and completes at once.
 */
public final class StacCatalogContainerJob implements JobDefinition {
  public static final String TYPE = "stac_catalog_container";
  public static final String LIST_TASK = "stac_container_list";
  public static final String ITEM_TASK = "stac_container_item";
  public static final String FINISH_TASK = "stac_container_finish";

  private final ParameterSchema parameters =
      ParameterSchema.builder()
          .string("container_name")
          .required()
          .pattern(RasterJobParameters.CONTAINER)
          .doc("container to catalog")
          .add()
          .string("prefix")
          .def("")
          .pattern("[^\\x00-\\x1f\\\\]{0,1024}")
          .doc("only blobs whose name starts with this")
          .add()
          .string("extension_filter")
          .def(".tif,.tiff")
          .pattern("[A-Za-z0-9.,]{1,100}")
          .doc("comma-separated file extensions to consider (case-insensitive)")
          .add()
          .integer("file_limit")
          .min(1)
          .max(10_000)
          .def(1000)
          .doc("catalog at most this many blobs (the first ones by name)")
          .add()
          .string("collection_id")
          .pattern(RasterJobParameters.ID)
          .doc("STAC collection of the items (default: derived from container and prefix)")
          .add()
          .build();

  @Override
  public String jobType() {
    return TYPE;
  }

  @Override
  public String description() {
    return "Writes one STAC item per existing COG in a container (non-COGs are reported).";
  }

  @Override
  public ParameterSchema parameters() {
    return parameters;
  }

  @Override
  public List<StageDefinition> stages() {
    return List.of(
        StageDefinition.single("list", LIST_TASK, TaskQueue.RASTER, StacCatalogContainerJob::list),
        StageDefinition.fanOut(
            "items", ITEM_TASK, TaskQueue.RASTER, StacCatalogContainerJob::items),
        MosaicStages.fanInWith(
            "collection",
            FINISH_TASK,
            ctx -> new JsonObject().put("collection_id", collectionId(ctx.jobParameters()))));
  }

  static String collectionId(JsonObject p) {
    String prefix = p.getString("prefix", "");
    String derived =
        RasterJobParameters.slug(
            p.getString("container_name") + (prefix.isBlank() ? "" : "-" + prefix));
    return RasterJobParameters.orDefault(p, "collection_id", derived);
  }

  private static List<TaskSpec> list(StageContext ctx) {
    return List.of(
        new TaskSpec(
            "0",
            ctx.jobParameters().copy().put("collection_id", collectionId(ctx.jobParameters()))));
  }

  /** One task per listed blob, named by the blob (zero when the listing found nothing). */
  private static List<TaskSpec> items(StageContext ctx) {
    JsonObject listing = ctx.previousResults().get(0).result();
    String collection = collectionId(ctx.jobParameters());
    List<TaskSpec> specs = new ArrayList<>();
    for (Object o : listing.getJsonArray("blobs", new JsonArray())) {
      String blob = (String) o;
      specs.add(
          new TaskSpec(
              TaskIds.indexFor(blob),
              new JsonObject()
                  .put("container_name", ctx.jobParameters().getString("container_name"))
                  .put("blob_name", blob)
                  .put("collection_id", collection)
                  .put("item_id", collection + "-" + ProcessRasterCollectionJob.outputName(blob))));
    }
    return specs;
  }

  @Override
  public JsonObject result(JsonObject jobParameters, Map<Integer, List<TaskResult>> byStage) {
    JsonArray items = new JsonArray();
    JsonArray notCogs = new JsonArray();
    for (TaskResult r : byStage.getOrDefault(2, List.of())) {
      JsonObject res = r.result();
      if (res.getBoolean("cataloged", false)) {
        items.add(res.getString("item_id"));
      } else {
        notCogs.add(
            new JsonObject()
                .put("blob_name", res.getString("blob_name"))
                .put("reason", res.getString("reason")));
      }
    }
    List<TaskResult> listed = byStage.getOrDefault(1, List.of());
    int listedCount =
        listed.isEmpty() ? 0 : listed.get(0).result().getJsonArray("blobs", new JsonArray()).size();
    return new JsonObject()
        .put("collection_id", collectionId(jobParameters))
        .put("blobs_listed", listedCount)
        .put("item_count", items.size())
        .put("items", items)
        .put("not_cogs", notCogs);
  }
}
