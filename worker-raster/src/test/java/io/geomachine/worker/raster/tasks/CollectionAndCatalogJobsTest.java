package io.geomachine.worker.raster.tasks;

import static io.geomachine.worker.raster.tasks.MultiFileFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.job.TaskIds;
import io.geomachine.core.model.Job;
import io.geomachine.core.model.JobStatus;
import io.geomachine.core.stac.StacCatalog;
import io.geomachine.core.testing.Sql;
import io.geomachine.worker.raster.engine.RasterInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * process_raster_collection and stac_catalog_container end to end through CoreMachine with the
 * worker's handlers on real GDAL, Azurite and pgstac: pairing by identity, bad input leaving
 * nothing behind, non-COGs reported, an empty container completing, re-runs without duplicates.
 */
class CollectionAndCatalogJobsTest {
  @BeforeAll
  static void setUp() throws Exception {
    init();
  }

  /** Runs a collection job over {@code blobs} (in that order); its result's COGs by blob. */
  static Map<String, JsonObject> collection(List<String> blobs, String collectionId) {
    Job job =
        runner.run(
            "process_raster_collection_v2",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_list", new JsonArray(new ArrayList<>(blobs)))
                .put("collection_id", collectionId));
    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    Map<String, JsonObject> byBlob = new HashMap<>();
    for (Object o : job.resultData().getJsonArray("cogs")) {
      JsonObject c = (JsonObject) o;
      byBlob.put(c.getString("blob_name"), c.put("job_id", job.jobId()));
    }
    return byBlob;
  }

  @Test
  void aCollectionPairsEachCogWithItsOwnBlobWhateverTheListOrder() throws Exception {
    List<String> blobs =
        new ArrayList<>(
            List.of(
                upload(rasters.rgbUtm("c-rgb"), "coll/rgb_utm.tif"),
                upload(rasters.demFloat32("c-dem"), "coll/dem.tif"),
                upload(rasters.categorical("c-cat"), "coll/classes/landcover.tif")));
    Map<String, JsonObject> first = collection(blobs, "rb-coll-a-" + RUN);
    Collections.reverse(blobs);
    Collections.swap(blobs, 0, 1);
    Map<String, JsonObject> second = collection(blobs, "rb-coll-b-" + RUN);

    assertEquals(3, first.size());
    assertEquals(first.keySet(), second.keySet());
    for (String blob : blobs) {
      JsonObject a = first.get(blob);
      JsonObject b = second.get(blob);
      assertEquals(TaskIds.indexFor(blob), a.getString("task_index"));
      assertEquals(a.getString("task_index"), b.getString("task_index"));
      String stem = blob.substring(blob.lastIndexOf('/') + 1).replace(".tif", "_cog.tif");
      assertTrue(a.getString("cog_blob").endsWith("/" + stem), a.encode());
      assertTrue(b.getString("cog_blob").endsWith("/" + stem), b.encode());
      RasterInfo cog = validCog(LAYOUT.cogContainer(), a.getString("cog_blob"));
      assertEquals(4326, cog.epsg(), "reprojected to the default target CRS");
      String collection = "rb-coll-a-" + RUN;
      String itemId =
          collection
              + "-"
              + io.geomachine.core.job.raster.ProcessRasterCollectionJob.outputName(blob);
      JsonObject item = item(collection, itemId);
      assertBbox(cog.bbox4326(), item.getJsonArray("bbox"), 1e-9);
      assertEquals(blob, item.getJsonObject("properties").getString("app:source_blob"));
    }
    JsonObject mosaic =
        json(
            LAYOUT.mosaicContainer(),
            "rb-coll-a-"
                + RUN
                + "/"
                + first.values().iterator().next().getString("job_id").substring(0, 16)
                + "/mosaic.json");
    Set<String> listed = new HashSet<>();
    mosaic
        .getJsonObject("tiles")
        .forEach(e -> ((JsonArray) e.getValue()).forEach(u -> listed.add((String) u)));
    assertEquals(3, listed.size());
  }

  @Test
  void aBadBlobFailsTheCollectionWithItsCodeAndLeavesNoMosaicOrItems() throws Exception {
    String good = upload(rasters.demFloat32("bad-good"), "bad/good.tif");
    String bad = upload(rasters.notARaster("bad-bad"), "bad/not-a-raster.tif");
    String collection = "rb-bad-" + RUN;

    Job job =
        runner.run(
            "process_raster_collection",
            new JsonObject()
                .put("container_name", BRONZE)
                .put("blob_list", new JsonArray().add(good).add(bad))
                .put("collection_id", collection));

    assertEquals(JobStatus.FAILED, job.status());
    assertTrue(job.errorDetails().contains("FILE_UNREADABLE"), job.errorDetails());
    assertTrue(job.errorDetails().contains("not-a-raster.tif"), job.errorDetails());
    assertEquals(List.of(), new StacCatalog().itemsOfJob(db.pool(), job.jobId()).await().atMost(T));
    String prefix = collection + "/" + job.jobId().substring(0, 16) + "/";
    assertEquals(List.of(), store.list(LAYOUT.mosaicContainer(), prefix));
    assertEquals(List.of(), store.list(LAYOUT.cogContainer(), prefix));
  }

  @Test
  void aContainerIsCataloguedOnceWithNonCogsReportedAndAnEmptyOneCompletes() throws Exception {
    String container = "test-rb-catalog-" + RUN;
    store.ensureContainer(container);
    Path cogA = dir.resolve("cat-a.tif");
    Path cogB = dir.resolve("cat-b.tif");
    tool(
        List.of(
            "gdal_translate",
            "-q",
            "-of",
            "COG",
            rasters.rgbUtm("cat-a-src").toString(),
            cogA.toString()));
    tool(
        List.of(
            "gdal_translate",
            "-q",
            "-of",
            "COG",
            rasters.demFloat32("cat-b-src").toString(),
            cogB.toString()));
    store.upload(container, "scenes/a.tif", cogA, null);
    store.upload(container, "scenes/b.TIF", cogB, null);
    store.upload(container, "scenes/striped.tif", rasters.demFloat32("cat-striped"), null);
    store.upload(container, "scenes/readme.txt", rasters.notARaster("cat-txt"), null);
    String collection = "rb-catalog-" + RUN;
    JsonObject params =
        new JsonObject().put("container_name", container).put("collection_id", collection);

    Job job = runner.run("stac_catalog_container", params);

    assertEquals(JobStatus.COMPLETED, job.status(), job.errorDetails());
    JsonObject r = job.resultData();
    assertEquals(3, r.getInteger("blobs_listed"), "the .txt is filtered out");
    assertEquals(2, r.getInteger("item_count"));
    JsonArray notCogs = r.getJsonArray("not_cogs");
    assertEquals(1, notCogs.size());
    assertEquals("scenes/striped.tif", notCogs.getJsonObject(0).getString("blob_name"));
    assertTrue(
        notCogs.getJsonObject(0).getString("reason").contains("not a valid COG"), notCogs.encode());
    for (Object id : r.getJsonArray("items")) {
      JsonObject item = item(collection, (String) id);
      String href = item.getJsonObject("assets").getJsonObject("data").getString("href");
      assertTrue(href.startsWith(store.url(container, "scenes/")), href);
      assertNotNull(item.getJsonArray("bbox"));
    }
    long items = itemCount(collection);
    assertEquals(2, items);

    // a second run (another job: a different limit) upserts the same items: no duplicates
    Job again = runner.run("stac_catalog_container", params.copy().put("file_limit", 50));
    assertEquals(JobStatus.COMPLETED, again.status(), again.errorDetails());
    assertEquals(2, again.resultData().getInteger("item_count"));
    assertEquals(2, itemCount(collection));

    Job empty =
        runner.run(
            "stac_catalog_container",
            new JsonObject().put("container_name", "test-rb-empty-" + RUN));
    assertEquals(JobStatus.COMPLETED, empty.status(), empty.errorDetails());
    assertEquals(0, empty.resultData().getInteger("item_count"));
    assertEquals(0, empty.resultData().getInteger("blobs_listed"));
    assertEquals(0, empty.stageResults().getJsonObject("2").getInteger("task_count"));
    assertFalse(
        Sql.count(
                db.pool(),
                "SELECT count(*) FROM pgstac.collections WHERE id = $1",
                "test-rb-empty-" + RUN)
            > 0,
        "nothing catalogued, no collection created");
  }
}
