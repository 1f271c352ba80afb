package io.geomachine.worker.vector;

import com.github.luben.zstd.ZstdIOException;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.job.vector.ProcessVectorJob;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.geomachine.worker.vector.prepare.ChunkFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.zip.ZipException;

/**
 * process_vector stage 2 (fan-out, one task per chunk): COPY one chunk file from the temp container
 * into the job's staging table in one transaction that first deletes the chunk's own batch, with
 * the standard lineage columns filled. Parameters: the job's, {@code manifest} and {@code chunk}.
 */
final class VectorLoadChunkHandler implements TaskHandler {
  static final String TASK_TYPE = ProcessVectorJob.LOAD_TASK;

  private final BlobStore blobs;
  private final String tempContainer;
  private final StagingLoader loader;

  VectorLoadChunkHandler(BlobStore blobs, String tempContainer, StagingLoader loader) {
    this.blobs = blobs;
    this.tempContainer = tempContainer;
    this.loader = loader;
  }

  @Override
  public String taskType() {
    return TASK_TYPE;
  }

  @Override
  public JsonObject handle(TaskInput input) throws Exception {
    VectorTableSpec spec = VectorTableSpec.of(input.parameters().getJsonObject("manifest"));
    if (!spec.jobId().equals(input.jobId())) {
      throw VectorTableSpec.invalid(
          "the manifest belongs to job " + spec.jobId() + ", not " + input.jobId());
    }
    VectorTableSpec.Chunk chunk =
        VectorTableSpec.Chunk.of(input.parameters().getJsonObject("chunk"));
    GeoTableBuilder table = new GeoTableBuilder(spec);
    // The chunk streams from blob storage (fetched a few blocks ahead, also while the task waits
    // for its turn to COPY) through the decompressor into the COPY: downloading overlaps with
    // loading, and nothing goes to local disk.
    try (InputStream stored = open(chunk.blob());
        InputStream in = ChunkFiles.open(stored)) {
      StagingLoader.Loaded loaded = loader.load(table, chunk, in);
      if (chunk.rows() > 0 && loaded.rows() != chunk.rows()) {
        throw TaskFailure.permanent(
            "CHUNK_INVALID",
            "chunk "
                + chunk.blob()
                + " has "
                + loaded.rows()
                + " rows, the manifest says "
                + chunk.rows());
      }
      return new JsonObject()
          .put("index", chunk.index())
          .put("batch_id", chunk.batchId())
          .put("rows", loaded.rows())
          .put("replaced_rows", loaded.deleted())
          .put("staging_table", spec.stagingTable());
    } catch (SQLException e) {
      throw classify(e, chunk.blob());
    } catch (IOException e) {
      throw readFailure(e, chunk.blob());
    }
  }

  private InputStream open(String blob) throws TaskFailure {
    try {
      return blobs.openDownload(tempContainer, blob);
    } catch (GeoMachineException e) {
      if (e.code() == ErrorCode.NOT_FOUND) {
        throw TaskFailure.permanent(
            "CHUNK_MISSING", "chunk " + tempContainer + "/" + blob + " does not exist");
      }
      throw new TaskFailure("BLOB_STORE_UNAVAILABLE", e.getMessage(), true);
    }
  }

  /**
   * A chunk that does not decompress is bad data (CHUNK_INVALID, for good); any other read failure
   * is the storage connection (retried).
   */
  static TaskFailure readFailure(IOException e, String blob) {
    if (e instanceof ZstdIOException || e instanceof ZipException) {
      return TaskFailure.permanent(
          "CHUNK_INVALID", "chunk " + blob + " is not a valid compressed chunk: " + e.getMessage());
    }
    return new TaskFailure(
        "BLOB_STORE_UNAVAILABLE", "reading chunk " + blob + " failed: " + e.getMessage(), true);
  }

  /**
   * Bad data in a chunk (SQLSTATE classes 22 and 23, and XX000, which PostGIS raises for a geometry
   * it cannot parse) fails the task for good; a lost connection, a serialization failure or a
   * deadlock is retried; anything else is a retryable handler error.
   */
  static Exception classify(SQLException e, String what) {
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    if (state.startsWith("22") || state.startsWith("23") || state.equals("XX000")) {
      return TaskFailure.permanent("CHUNK_INVALID", what + ": " + e.getMessage());
    }
    if (state.startsWith("08")
        || state.startsWith("57P")
        || state.equals("40001")
        || state.equals("40P01")
        || state.equals("53300")) {
      return new TaskFailure("DATABASE_UNAVAILABLE", what + ": " + e.getMessage(), true);
    }
    return e;
  }
}
