package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.worker.vector.prepare.VectorPrepareHandler;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All three stages of process_vector in process, as the worker runs them: prepare (part A) writes
 * chunks and a manifest that load and publish (this part) turn into a table with the source's rows,
 * values and extent.
 */
class PrepareLoadPublishTest {
  private static final String BRONZE = "test-vector-bronze";
  private static VectorFixture fx;
  private static VectorPrepareHandler prepare;

  @BeforeAll
  static void setUp() throws Exception {
    fx = new VectorFixture("geomachine_test_vector_stages");
    fx.blobs.ensureContainer(BRONZE);
    prepare =
        new VectorPrepareHandler(
            fx.db.pool(), fx.blobs, VectorFixture.TEMP, Files.createTempDirectory("vector-work"));
  }

  @AfterAll
  static void tearDown() {
    fx.close();
  }

  private JsonObject run(String fileName, String content, String table, JsonObject extra)
      throws Exception {
    Path file = Files.createTempFile("src", fileName);
    Files.writeString(file, content);
    String blob = UUID.randomUUID() + "/" + fileName;
    fx.blobs.upload(BRONZE, blob, file, null);
    JsonObject params =
        new ProcessVectorJob()
            .parameters()
            .validate(
                new JsonObject()
                    .put("container_name", BRONZE)
                    .put("blob_name", blob)
                    .put("table_name", table)
                    .put("chunk_size", 10)
                    .mergeIn(extra))
            .all();
    String jobId = Sql.newJobId();
    Sql.insertJob(fx.db.pool(), jobId, "processing", 1, 3);
    JsonObject prepared =
        prepare.handle(new TaskInput("p", jobId, ProcessVectorJob.TYPE, 1, "0", params));
    VectorManifest m = VectorManifest.fromJson(prepared.getJsonObject("manifest"));
    return fx.loadAndPublish(new VectorFixture.Prepared(jobId, m));
  }

  @Test
  void geoJsonBecomesATable() throws Exception {
    StringBuilder features = new StringBuilder();
    for (int i = 0; i < 25; i++) {
      features
          .append(i == 0 ? "" : ",")
          .append("{\"type\":\"Feature\",\"properties\":{\"Name\":\"n")
          .append(i)
          .append("\",\"Pop\":")
          .append(i * 10)
          .append("},\"geometry\":{\"type\":\"Point\",\"coordinates\":[")
          .append(i)
          .append(",")
          .append(i / 2.0)
          .append("]}}");
    }
    JsonObject out =
        run(
            "points.geojson",
            "{\"type\":\"FeatureCollection\",\"features\":[" + features + "]}",
            "stage_points",
            new JsonObject());
    assertEquals(25, out.getLong("row_count"));
    assertEquals(25, Sql.count(fx.db.pool(), "SELECT count(*) FROM geo.stage_points"));
    assertEquals(
        120, Sql.count(fx.db.pool(), "SELECT pop FROM geo.stage_points WHERE name = 'n12'"));
    assertEquals("[0.0,0.0,24.0,12.0]", out.getJsonArray("extent").encode());
  }

  @Test
  void csvWithLatLonBecomesATable() throws Exception {
    StringBuilder csv = new StringBuilder("id,label,lat,lon\n");
    for (int i = 0; i < 15; i++) {
      csv.append(i)
          .append(",l")
          .append(i)
          .append(",")
          .append(i)
          .append(",")
          .append(-i)
          .append("\n");
    }
    JsonObject out =
        run(
            "points.csv",
            csv.toString(),
            "stage_csv",
            new JsonObject()
                .put(
                    "converter_params",
                    new JsonObject().put("lat_name", "lat").put("lon_name", "lon")));
    assertEquals(15, Sql.count(fx.db.pool(), "SELECT count(*) FROM geo.stage_csv"));
    assertEquals("[-14.0,0.0,0.0,14.0]", out.getJsonArray("extent").encode());
  }
}
