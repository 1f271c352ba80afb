package io.geomachine.e2e;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * process_raster and process_vector through all five services, each its own process, on Artemis,
 * PostgreSQL with pgstac, Azurite and real GDAL: submitted through the gateway's REST API, checked
 * in blob storage (COG layout by gdalinfo), pgstac and the geo schema.
 */
class RasterVectorEtlIT {
  private static final Duration JOB_TIMEOUT = Duration.ofSeconds(120);
  private static final int PLACES = 40;

  private static Platform platform;
  private static Path work;

  @BeforeAll
  static void startPlatform() throws Exception {
    platform = Platform.startAll(Platform.createForEtl("geomachine_e2e_etl"));
    work = Files.createTempDirectory("e2e-etl");
    Path root = Path.of(System.getProperty("geomachine.repo.root", "..")).toAbsolutePath();
    platform
        .blobs()
        .upload(
            bronze(), "rasters/lake_rgb.tif", root.resolve("samples/lake_rgb.tif"), "image/tiff");
    platform.blobs().upload(bronze(), "vectors/places.geojson", places(), "application/geo+json");
  }

  @AfterAll
  static void stopPlatform() throws Exception {
    if (platform != null) {
      platform.close();
    }
    if (work != null) {
      try (var files = Files.list(work)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(work);
    }
  }

  private static String bronze() {
    return platform.storage().bronze();
  }

  /** PLACES points: place-i with population i*1000 at (i/10, 45 + i/20). */
  private static Path places() {
    StringBuilder json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < PLACES; i++) {
      json.append(i == 0 ? "" : ",")
          .append(
              new JsonObject()
                  .put("type", "Feature")
                  .put(
                      "properties",
                      new JsonObject()
                          .put("place_id", i)
                          .put("name", "place-" + i)
                          .put("population", i * 1000))
                  .put(
                      "geometry",
                      new JsonObject()
                          .put("type", "Point")
                          .put(
                              "coordinates",
                              new io.vertx.core.json.JsonArray().add(i / 10.0).add(45 + i / 20.0)))
                  .encode());
    }
    Path file = work.resolve("places.geojson");
    EtlChecks.write(file, json.append("]}").toString());
    return file;
  }

  private static String rasterBody(String blob) {
    return new JsonObject().put("container_name", bronze()).put("blob_name", blob).encode();
  }

  private static String vectorBody(String blob, String table) {
    return vectorBody(blob, table, 10);
  }

  private static String vectorBody(String blob, String table, int chunkSize) {
    return new JsonObject()
        .put("container_name", bronze())
        .put("blob_name", blob)
        .put("table_name", table)
        .put("chunk_size", chunkSize)
        .encode();
  }

  @Test
  void processRasterPublishesAValidCogAndOneItem() throws Exception {
    String gateway = platform.gatewayUrl();
    String body = rasterBody("rasters/lake_rgb.tif");
    String jobId = Jobs.submit(gateway, "process_raster", body);

    JsonPath job = Jobs.awaitStatus(gateway, jobId, "completed", JOB_TIMEOUT);

    assertCogAndItem(jobId, job);
    assertEquals(jobId, resubmit("process_raster", body));
    assertEquals(1, EtlChecks.itemsOfJob(platform, jobId));
  }

  private static void assertCogAndItem(String jobId, JsonPath job) throws Exception {
    String cogContainer = job.getString("result_data.cog.cog_container");
    String cogBlob = job.getString("result_data.cog.cog_blob");
    assertEquals(platform.storage().cog(), cogContainer);
    assertTrue(platform.blobs().find(cogContainer, cogBlob).isPresent(), cogBlob);
    JsonObject info = EtlChecks.gdalinfo(platform, cogContainer, cogBlob);
    assertEquals("COG", EtlChecks.layout(info));
    assertEquals(3, info.getJsonArray("bands").size());
    assertEquals(1, EtlChecks.itemsOfJob(platform, jobId));
    assertEquals(
        1,
        Jobs.count(
            platform.database().pool(),
            "SELECT count(*) FROM pgstac.items WHERE collection = 'system-rasters'"
                + " AND content->'properties'->>'app:job_id' = $1"
                + " AND content->'properties'->>'app:job_type' = 'process_raster'",
            jobId));
  }

  @Test
  void processVectorLoadsEveryFeatureWithItsValuesAndOneItem() {
    String gateway = platform.gatewayUrl();
    String body = vectorBody("vectors/places.geojson", "places");
    String jobId = Jobs.submit(gateway, "process_vector", body);

    JsonPath job = Jobs.awaitStatus(gateway, jobId, "completed", JOB_TIMEOUT);

    assertEquals(4, job.getInt("result_data.chunks"));
    assertPlacesTable("places", jobId);
    assertEquals(jobId, resubmit("process_vector", body));
    assertPlacesTable("places", jobId);
    // A completed job is not re-run (its outputs are published); only failed or cancelled ones.
    given()
        .baseUri(gateway)
        .post("/api/jobs/" + jobId + "/rerun")
        .then()
        .statusCode(409)
        .body("error.code", equalTo("INVALID_STATE"));
    // The job removed its temp chunks when it succeeded.
    assertTrue(
        platform.blobs().list(platform.storage().temp(), "vector_chunks/" + jobId + "/").isEmpty());
  }

  /** PLACES rows with the generated values, the metadata row and exactly one item. */
  private static void assertPlacesTable(String table, String jobId) {
    Pool pool = platform.database().pool();
    Row stats =
        pool.preparedQuery(
                "SELECT count(*) AS n, count(DISTINCT place_id) AS ids, sum(population) AS pop,"
                    + " count(*) FILTER (WHERE etl_job_id = $1) AS of_job,"
                    + " count(*) FILTER (WHERE name = 'place-' || place_id"
                    + " AND population = place_id * 1000"
                    // promote mode: points become one-point multipoints
                    + " AND GeometryType(geom) = 'MULTIPOINT' AND ST_NumGeometries(geom) = 1"
                    + " AND abs(ST_X(ST_GeometryN(geom, 1)) - place_id / 10.0) < 1e-9"
                    + " AND abs(ST_Y(ST_GeometryN(geom, 1)) - (45 + place_id / 20.0)) < 1e-9"
                    + " AND ST_SRID(geom) = 4326) AS exact FROM geo."
                    + table)
            .execute(Tuple.of(jobId))
            .await()
            .atMost(Duration.ofSeconds(30))
            .iterator()
            .next();
    assertEquals(PLACES, stats.getLong("n"));
    assertEquals(PLACES, stats.getLong("ids"));
    assertEquals(PLACES, stats.getLong("of_job"));
    assertEquals(PLACES, stats.getLong("exact"));
    assertEquals(1000L * PLACES * (PLACES - 1) / 2, stats.getLong("pop"));
    assertEquals(
        1,
        Jobs.count(
            pool,
            "SELECT count(*) FROM geo.table_metadata WHERE schema_name = 'geo'"
                + " AND table_name = $1 AND job_id = $2 AND row_count = $3",
            table,
            jobId,
            PLACES));
    assertEquals(1, EtlChecks.itemsOfJob(platform, jobId));
    assertEquals(
        1,
        Jobs.count(
            pool,
            "SELECT count(*) FROM pgstac.items WHERE collection = 'system-vectors' AND id = $1",
            table));
  }

  @Test
  void aMissingVectorBlobFailsTheJobAndARerunAfterTheUploadLoadsItOnce() throws Exception {
    String gateway = platform.gatewayUrl();
    String jobId =
        Jobs.submit(gateway, "process_vector", vectorBody("vectors/late.geojson", "late_places"));

    JsonPath failed = Jobs.awaitStatus(gateway, jobId, "failed", JOB_TIMEOUT);

    assertTrue(failed.getString("error_details").contains("BLOB_NOT_FOUND"), failed.prettify());
    assertFalse(tableExists("late_places"));
    assertEquals(0, EtlChecks.itemsOfJob(platform, jobId));

    platform
        .blobs()
        .upload(
            bronze(), "vectors/late.geojson", work.resolve("places.geojson"), "application/json");
    rerun(jobId);
    Jobs.awaitStatus(gateway, jobId, "completed", JOB_TIMEOUT);
    assertPlacesTable("late_places", jobId);
  }

  /**
   * A job whose publish failed after its load stage (another table took the name in between) has
   * its rows staged; once the conflicting table is gone, a re-run loads every chunk again and
   * publishes each row once. The conflict is made deterministic by holding the publish's per-table
   * advisory lock (GeoTablePublisher: hashtext of the quoted name) while the table is created.
   */
  @Test
  void aRerunAfterAFailedPublishReplacesTheStagedRowsInsteadOfAddingToThem() {
    String gateway = platform.gatewayUrl();
    Pool pool = platform.database().pool();
    Duration t = Duration.ofSeconds(30);
    SqlConnection conflict = pool.getConnection().await().atMost(t);
    String jobId;
    try {
      conflict
          .query("SELECT pg_advisory_lock(hashtext('\"geo\".\"twice\"'))")
          .execute()
          .await()
          .atMost(t);
      jobId = Jobs.submit(gateway, "process_vector", vectorBody("vectors/places.geojson", "twice"));
      await()
          .atMost(JOB_TIMEOUT)
          .until(
              () ->
                  Jobs.count(
                          pool,
                          "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                              + " AND NOT granted AND database = (SELECT oid FROM pg_database"
                              + " WHERE datname = current_database())")
                      == 1);
      conflict.query("CREATE TABLE geo.twice (id int)").execute().await().atMost(t);
    } finally {
      conflict.query("SELECT pg_advisory_unlock_all()").execute().await().atMost(t);
      conflict.close().await().atMost(t);
    }

    JsonPath failed = Jobs.awaitStatus(gateway, jobId, "failed", JOB_TIMEOUT);

    assertTrue(failed.getString("error_details").contains("TABLE_EXISTS"), failed.prettify());
    String staging = "_load_" + jobId.substring(0, 16);
    assertEquals(PLACES, Jobs.count(pool, "SELECT count(*) FROM geo_staging." + staging));
    assertEquals(0, EtlChecks.itemsOfJob(platform, jobId));

    pool.query("DROP TABLE geo.twice").execute().await().atMost(t);
    rerun(jobId);
    Jobs.awaitStatus(gateway, jobId, "completed", JOB_TIMEOUT);

    assertPlacesTable("twice", jobId);
    assertFalse(tableExists(staging, "geo_staging"));
  }

  @Test
  void aMissingRasterBlobFailsTheJobAndARerunAfterTheUploadPublishesIt() throws Exception {
    String gateway = platform.gatewayUrl();
    String jobId = Jobs.submit(gateway, "process_raster", rasterBody("late/lake.tif"));

    JsonPath failed = Jobs.awaitStatus(gateway, jobId, "failed", JOB_TIMEOUT);

    assertTrue(failed.getString("error_details").contains("BLOB_NOT_FOUND"), failed.prettify());
    assertEquals(0, EtlChecks.itemsOfJob(platform, jobId));

    Path root = Path.of(System.getProperty("geomachine.repo.root", "..")).toAbsolutePath();
    platform
        .blobs()
        .upload(bronze(), "late/lake.tif", root.resolve("samples/lake_rgb.tif"), "image/tiff");
    rerun(jobId);
    assertCogAndItem(jobId, Jobs.awaitStatus(gateway, jobId, "completed", JOB_TIMEOUT));
  }

  @Test
  void anInvalidTableNameIsRefusedWithTheFieldNamed() {
    given()
        .baseUri(platform.gatewayUrl())
        .contentType(ContentType.JSON)
        .body(vectorBody("vectors/places.geojson", "Bad-Name"))
        .post("/api/jobs/submit/process_vector")
        .then()
        .statusCode(400)
        .body("error.code", equalTo("INVALID_PARAMETERS"))
        .body("error.fields[0].field", equalTo("table_name"))
        .body("error.message", containsString("table_name"));
    assertEquals(
        0,
        Jobs.count(
            platform.database().pool(),
            "SELECT count(*) FROM app.jobs WHERE parameters->>'table_name' = 'Bad-Name'"));
  }

  private static boolean tableExists(String table) {
    return tableExists(table, "geo");
  }

  private static boolean tableExists(String table, String schema) {
    return Jobs.count(
            platform.database().pool(),
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1"
                + " AND table_name = $2",
            schema,
            table)
        > 0;
  }

  private static String resubmit(String jobType, String body) {
    return given()
        .baseUri(platform.gatewayUrl())
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/jobs/submit/" + jobType)
        .then()
        .statusCode(200)
        .extract()
        .path("job_id");
  }

  private static void rerun(String jobId) {
    given()
        .baseUri(platform.gatewayUrl())
        .post("/api/jobs/" + jobId + "/rerun")
        .then()
        .statusCode(202)
        .body("job_id", equalTo(jobId));
  }
}
