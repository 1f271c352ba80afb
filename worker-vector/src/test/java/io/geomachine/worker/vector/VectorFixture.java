package io.geomachine.worker.vector;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.repository.JobArtifactRepository;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestServices;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * A test database with pgstac, Azurite, and the load/publish handlers wired as the worker wires
 * them. Chunk files are made by PostgreSQL itself ({@code COPY (SELECT ...) TO STDOUT}), so they
 * are genuine COPY text with PostgreSQL's escaping, exactly the format prepare writes.
 */
final class VectorFixture implements AutoCloseable {
  static final String TEMP = "test-vector-temp";

  final TestDatabase db;
  final BlobStore blobs;
  final String jdbcUrl;
  final VectorLoadChunkHandler load;
  final VectorPublishHandler publish;
  final VectorStacItems items;

  VectorFixture(String database) {
    db = TestDatabase.recreate(database);
    if (!AdminTestSupport.admin(db).deploy().succeeded()) {
      throw new IllegalStateException("schema deploy failed");
    }
    blobs = AdminTestSupport.blobStore();
    blobs.ensureContainer(TEMP);
    jdbcUrl = "jdbc:" + TestServices.reactiveUrl(database);
    items = new VectorStacItems(jdbcUrl, "http://features.test/api");
    load = loadHandler(4);
    // two lanes, whatever the machine, so the builds always run side by side in the tests
    publish = new VectorPublishHandler(db.pool(), blobs, TEMP, items, 2);
  }

  /** A prepared job: its manifest is in blob storage, its chunks too, its prefix recorded. */
  record Prepared(String jobId, VectorManifest manifest) {
    JsonObject loadParams(int index) {
      return new JsonObject()
          .put("manifest", manifest.withoutChunks().toJson())
          .put("chunk", manifest.chunks().get(index).toJson());
    }
  }

  /**
   * Writes a job row, {@code chunks} chunk files of {@code rows} rows each (multipolygons around
   * points (i, i/2) shifted by {@code offset}, attributes with tabs, backslashes, newlines and
   * NULLs), and the manifest. {@code geometryColumn}: geom or shape.
   */
  Prepared prepare(
      String table, int chunks, int rows, double offset, boolean overwrite, String geometryColumn)
      throws Exception {
    return prepare(
        table,
        chunks,
        rows,
        offset,
        overwrite,
        geometryColumn,
        new JsonArray().add(new JsonObject().put("columns", new JsonArray().add("name"))));
  }

  /** As above, with the manifest's user {@code indexes}. */
  Prepared prepare(
      String table,
      int chunks,
      int rows,
      double offset,
      boolean overwrite,
      String geometryColumn,
      JsonArray indexes)
      throws Exception {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "processing", 2, 3);
    Sql.await(
        new JobArtifactRepository()
            .record(
                db.pool(),
                jobId,
                TEMP,
                VectorManifest.prefix(jobId),
                VectorManifest.ARTIFACT_KIND));
    List<VectorManifest.Chunk> list = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      String blob = VectorManifest.chunkBlobName(jobId, c, VectorManifest.ChunkFormat.TEXT);
      blobs.uploadBytes(TEMP, blob, chunk(c * rows, rows, offset), "text/tab-separated-values");
      list.add(
          new VectorManifest.Chunk(
              c, blob, rows, VectorManifest.batchId(jobId, c), VectorManifest.ChunkFormat.TEXT));
    }
    VectorManifest m =
        new VectorManifest(
            jobId,
            "bronze/" + table + ".gpkg",
            "GPKG",
            "EPSG:32633",
            "geo",
            table,
            VectorManifest.stagingTableName(jobId),
            geometryColumn,
            "MULTIPOLYGON",
            4326,
            2,
            List.of(
                new VectorManifest.Column("name", "Name", "text"),
                new VectorManifest.Column("population", "POP", "bigint"),
                new VectorManifest.Column("area_km2", "Area", "double precision"),
                new VectorManifest.Column("founded", "Founded", "date"),
                new VectorManifest.Column("is_capital", "Capital", "boolean")),
            (long) chunks * rows,
            0,
            list,
            overwrite,
            geometryColumn.equals("shape"),
            indexes,
            "system-vectors",
            table);
    blobs.uploadBytes(
        TEMP,
        VectorManifest.blobName(jobId),
        m.toJson().encode().getBytes(StandardCharsets.UTF_8),
        "application/json");
    return new Prepared(jobId, m);
  }

  /** COPY text made by PostgreSQL: hex EWKB multipolygons then the five attributes. */
  byte[] chunk(int first, int rows, double offset) throws Exception {
    try (Connection c =
        DriverManager.getConnection(jdbcUrl, TestServices.pgUser(), TestServices.pgPassword())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      c.unwrap(PGConnection.class)
          .getCopyAPI()
          .copyOut(
              "COPY (SELECT ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(g + "
                  + offset
                  + ", g / 2.0), 4326), 0.25, 2)),"
                  + " CASE WHEN g % 7 = 0 THEN NULL ELSE 'place ' || g || E'\\ttab\\\\slash\\nline é'"
                  + " END, g::bigint * 1000, g / 3.0, DATE '2000-01-01' + g, g % 2 = 0"
                  + " FROM generate_series("
                  + first
                  + ", "
                  + (first + rows - 1)
                  + ") g) TO STDOUT",
              out);
      return out.toByteArray();
    }
  }

  /** A load handler as the worker builds it, running at most {@code copies} COPYs at once. */
  VectorLoadChunkHandler loadHandler(int copies) {
    return loadHandler(copies, StagingLoader.CONNECTION_MAX_IDLE);
  }

  /** The same, its idle COPY connections closed after {@code maxIdle}. */
  VectorLoadChunkHandler loadHandler(int copies, java.time.Duration maxIdle) {
    return new VectorLoadChunkHandler(
        blobs,
        TEMP,
        new StagingLoader(
            jdbcUrl, TestServices.pgUser(), TestServices.pgPassword(), "disable", copies, maxIdle));
  }

  JsonObject load(Prepared p, int index) throws Exception {
    return load(load, p, index);
  }

  JsonObject load(VectorLoadChunkHandler with, Prepared p, int index) throws Exception {
    return with.handle(
        new TaskInput(
            "t-load-" + index,
            p.jobId(),
            ProcessVectorJob.TYPE,
            2,
            String.valueOf(index),
            p.loadParams(index)));
  }

  JsonObject publish(Prepared p, List<JsonObject> loadResults) throws Exception {
    return publish(publish, p, loadResults);
  }

  /** Publishes with {@code handler} (e.g. one with another number of lanes). */
  static JsonObject publish(VectorPublishHandler handler, Prepared p, List<JsonObject> loadResults)
      throws Exception {
    JsonArray inputs = new JsonArray();
    for (JsonObject r : loadResults) {
      inputs.add(
          new JsonObject()
              .put("task_index", String.valueOf(r.getInteger("index")))
              .put("result", r));
    }
    JsonObject params =
        new JsonObject()
            .put("table_name", p.manifest().targetTable())
            .put("overwrite", p.manifest().overwrite())
            .put("inputs", inputs);
    return handler.handle(
        new TaskInput("t-publish", p.jobId(), ProcessVectorJob.TYPE, 3, "0", params));
  }

  /** Loads every chunk once. */
  List<JsonObject> loadAll(Prepared p) throws Exception {
    List<JsonObject> results = new ArrayList<>();
    for (int i = 0; i < p.manifest().chunks().size(); i++) {
      results.add(load(p, i));
    }
    return results;
  }

  /** Loads every chunk once, then publishes. */
  JsonObject loadAndPublish(Prepared p) throws Exception {
    return publish(p, loadAll(p));
  }

  @Override
  public void close() {
    db.close();
  }
}
