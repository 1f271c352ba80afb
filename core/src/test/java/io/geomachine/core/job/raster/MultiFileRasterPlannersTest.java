package io.geomachine.core.job.raster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.JobDefinition;
import io.geomachine.core.job.JobRegistry;
import io.geomachine.core.job.StageContext;
import io.geomachine.core.job.TaskResult;
import io.geomachine.core.job.TaskSpec;
import io.geomachine.core.model.TaskStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The planners of the multi-file raster jobs, on their own (no database, no GDAL). */
class MultiFileRasterPlannersTest {
  private static final String JOB = "a".repeat(64);

  @Test
  void largeRasterPlansOneTaskPerTileOfTheScheme() {
    JobDefinition def = JobRegistry.standard().require("process_large_raster_v2");
    JsonObject params =
        def.parameters()
            .validate(
                new JsonObject()
                    .put("container_name", "bronze")
                    .put("blob_name", "dir/Big Scene.tif")
                    .put("tile_size", 512))
            .all();
    List<TaskSpec> scheme =
        def.stage(1).planner().plan(new StageContext(JOB, params, 1, List.of()));
    assertEquals(1, scheme.size());
    assertEquals(
        "big-scene/aaaaaaaaaaaaaaaa/", scheme.get(0).parameters().getString("output_prefix"));
    JsonObject schemeResult =
        new JsonObject()
            .put("grid", new TileGrid(1024, 1000, 512, 0).toJson())
            .put("output", new JsonObject())
            .put("source", new JsonObject());
    List<TaskSpec> tiles =
        def.stage(2)
            .planner()
            .plan(new StageContext(JOB, params, 2, List.of(done("0", schemeResult))));
    assertEquals(
        List.of("tile_0_0", "tile_0_1", "tile_1_0", "tile_1_1"),
        tiles.stream().map(TaskSpec::index).toList());
    JsonObject last = tiles.get(3).parameters();
    assertEquals("big-scene/aaaaaaaaaaaaaaaa/tile_1_1.tif", last.getString("cog_blob"));
    assertEquals("big-scene-tiles-tile_1_1", last.getString("item_id"));
    assertEquals(488, last.getJsonObject("window").getInteger("ysize"));
  }

  @Test
  void collectionCogTasksArePairedWithTheirValidationWhateverTheOrder() {
    JobDefinition def = JobRegistry.standard().require("process_raster_collection");
    List<String> blobs = List.of("a.tif", "sub/b.tif", "c with spaces.tif");
    Map<String, String> first = cogBlobByIndex(def, blobs);
    List<String> shuffled = new ArrayList<>(blobs);
    Collections.reverse(shuffled);
    Map<String, String> second = cogBlobByIndex(def, shuffled);
    assertEquals(first, second);
    assertEquals(3, first.size());
    assertEquals("a.tif", first.get("a.tif"));
  }

  @Test
  void collectionRefusesDuplicateAndCollidingBlobs() {
    JsonObject dup =
        new JsonObject()
            .put("container_name", "bronze")
            .put("blob_list", new JsonArray().add("a.tif").add("a.tif"));
    assertThrows(
        IllegalArgumentException.class, () -> ProcessRasterCollectionJob.blobsByIndex(dup));
    JsonObject clash =
        new JsonObject()
            .put("container_name", "bronze")
            .put("blob_list", new JsonArray().add("a/b.tif").add("a-b.tif"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> ProcessRasterCollectionJob.blobsByIndex(clash));
    assertTrue(e.getMessage().contains("same output name"), e.getMessage());
  }

  @Test
  void anEmptyListingPlansNoItemTasks() {
    JobDefinition def = JobRegistry.standard().require("stac_catalog_container");
    JsonObject params =
        def.parameters().validate(new JsonObject().put("container_name", "empty-one")).all();
    JsonObject listing = new JsonObject().put("blobs", new JsonArray());
    assertEquals(
        List.of(),
        def.stage(2).planner().plan(new StageContext(JOB, params, 2, List.of(done("0", listing)))));
    assertEquals("empty-one", StacCatalogContainerJob.collectionId(params));
  }

  /** Runs both collection planners with validation results arriving in reverse order. */
  private static Map<String, String> cogBlobByIndex(JobDefinition def, List<String> blobs) {
    JsonObject params =
        def.parameters()
            .validate(
                new JsonObject()
                    .put("container_name", "bronze")
                    .put("blob_list", new JsonArray(new ArrayList<>(blobs))))
            .all();
    List<TaskSpec> validations =
        def.stage(1).planner().plan(new StageContext(JOB, params, 1, List.of()));
    List<TaskResult> results = new ArrayList<>();
    for (TaskSpec v : validations) {
      results.add(
          0,
          done(
              v.index(), new JsonObject().put("blob_name", v.parameters().getString("blob_name"))));
    }
    Map<String, String> pairs = new TreeMap<>();
    for (TaskSpec cog : def.stage(2).planner().plan(new StageContext(JOB, params, 2, results))) {
      String validated = cog.parameters().getJsonObject("validation").getString("blob_name");
      assertEquals(validated, cog.parameters().getString("blob_name"));
      pairs.put(cog.index(), validated);
    }
    return pairs;
  }

  private static TaskResult done(String index, JsonObject result) {
    return new TaskResult("t-" + index, index, TaskStatus.COMPLETED, result, null);
  }
}
