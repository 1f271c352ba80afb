package io.geomachine.worker.vector.prepare;

import io.geomachine.core.admin.AdminTestSupport;
import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskInput;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Runs the prepare handler as a worker would, against real PostgreSQL (artifact records, table
 * checks) and Azurite (source and temp containers). Its handlers write text chunks, which {@link
 * Chunks} reads back value by value; {@code BinaryChunksTest} shows that binary chunks load into
 * PostgreSQL as the same rows.
 */
final class PrepareHarness implements AutoCloseable {
  static final String BRONZE = "test-vector-bronze";
  static final String TEMP = "test-vector-temp";

  final TestDatabase db;
  final BlobStore store = AdminTestSupport.blobStore();
  final Path work;
  final Path files;
  final String run = UUID.randomUUID().toString().substring(0, 8);
  private final VectorPrepareHandler handler;

  PrepareHarness(String database) throws Exception {
    db = TestDatabase.recreate(database);
    store.ensureContainer(BRONZE);
    work = Files.createTempDirectory("vector-prepare-work");
    files = Files.createTempDirectory("vector-prepare-files");
    handler = new VectorPrepareHandler(db.pool(), store, TEMP, work, 1, Long.MAX_VALUE, false);
  }

  /** Uploads a local file to the bronze container under this run's prefix; its blob name. */
  String upload(Path file) {
    return upload(file, file.getFileName().toString());
  }

  String upload(Path file, String name) {
    String blob = run + "/" + name;
    store.upload(BRONZE, blob, file, null);
    return blob;
  }

  /** Job parameters for a blob, validated like the gateway does, with {@code extra} on top. */
  JsonObject params(String blob, JsonObject extra) {
    JsonObject raw =
        new JsonObject()
            .put("container_name", BRONZE)
            .put("blob_name", blob)
            .put("table_name", "t_" + run.replace('-', '_'));
    raw.mergeIn(extra);
    return new ProcessVectorJob().parameters().validate(raw).all();
  }

  /** Runs prepare as a new job; the manifest it returned (checked against the stored one). */
  VectorManifest prepare(JsonObject params) throws Exception {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "processing", 1, 3);
    return prepare(params, jobId);
  }

  /** Runs prepare (again) for an existing job, as a redelivered or re-run task would. */
  VectorManifest prepare(JsonObject params, String jobId) throws Exception {
    return VectorManifest.fromJson(run(handler, params, jobId).getJsonObject("manifest"));
  }

  /**
   * A prepare handler that splits sources of any size into up to {@code parallelism} parts, writing
   * text chunks.
   */
  VectorPrepareHandler splitting(int parallelism) {
    return splitting(parallelism, false);
  }

  /** The same, writing binary chunks where the column types allow. */
  VectorPrepareHandler splitting(int parallelism, boolean binaryChunks) {
    return new VectorPrepareHandler(db.pool(), store, TEMP, work, parallelism, 0, binaryChunks);
  }

  /** Runs {@code with} as a new job; its whole task result (manifest checked as stored). */
  JsonObject run(VectorPrepareHandler with, JsonObject params) throws Exception {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "processing", 1, 3);
    return run(with, params, jobId);
  }

  private JsonObject run(VectorPrepareHandler with, JsonObject params, String jobId)
      throws Exception {
    JsonObject result =
        with.handle(
            new TaskInput(UUID.randomUUID().toString(), jobId, "process_vector", 1, "0", params));
    VectorManifest m = VectorManifest.fromJson(result.getJsonObject("manifest"));
    VectorManifest stored =
        VectorManifest.fromJson(
            new JsonObject(new String(store.downloadBytes(TEMP, VectorManifest.blobName(jobId)))));
    if (!stored.equals(m)) {
      throw new AssertionError("the stored manifest differs from the task result");
    }
    return result;
  }

  /** Runs prepare expecting a failure; the failure, after checking nothing was left behind. */
  TaskFailure fails(JsonObject params) throws Exception {
    return fails(handler, params);
  }

  /** As {@link #fails(JsonObject)}, run by {@code with}. */
  TaskFailure fails(VectorPrepareHandler with, JsonObject params) throws Exception {
    String jobId = Sql.newJobId();
    Sql.insertJob(db.pool(), jobId, "processing", 1, 3);
    try {
      with.handle(
          new TaskInput(UUID.randomUUID().toString(), jobId, "process_vector", 1, "0", params));
    } catch (TaskFailure f) {
      if (!store.list(TEMP, VectorManifest.prefix(jobId)).isEmpty()) {
        throw new AssertionError("chunks left behind after " + f.code());
      }
      if (Files.list(work).findAny().isPresent()) {
        throw new AssertionError("local files left behind after " + f.code());
      }
      return f;
    }
    throw new AssertionError("prepare succeeded");
  }

  List<Map<String, String>> rows(VectorManifest m) {
    return Chunks.rows(store, TEMP, m);
  }

  @Override
  public void close() throws IOException {
    db.close();
    for (Path dir : List.of(work, files)) {
      try (Stream<Path> all = Files.walk(dir)) {
        for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }
}
