package io.geomachine.worker.vector;

import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskHandler;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.List;

/** process_vector's load (stage 2) and publish (stage 3) handlers, built from the worker config. */
final class VectorLoadPublishHandlers {
  private VectorLoadPublishHandlers() {}

  static List<TaskHandler> of(Pool pool, BlobStore blobs, VectorWorkerConfig config) {
    VectorWorkerConfig.VectorConfig vector = config.vector();
    String temp = config.storage().tempContainer();
    StagingLoader loader =
        new StagingLoader(
            vector.jdbcUrl(), vector.jdbcUser(), vector.jdbcPassword(), vector.jdbcSslMode());
    VectorStacItems items = new VectorStacItems(vector.jdbcUrl(), vector.featuresBaseUrl());
    return List.of(
        new VectorLoadChunkHandler(blobs, temp, loader),
        new VectorPublishHandler(pool, blobs, temp, items, publishLanes(vector)));
  }

  /** {@code publish-lanes}, by default the available processors. */
  static int publishLanes(VectorWorkerConfig.VectorConfig vector) {
    int lanes = vector.publishLanes().orElse(Runtime.getRuntime().availableProcessors());
    if (lanes < 1) {
      throw new IllegalArgumentException(
          "geomachine.worker.vector.publish-lanes must be at least 1, got " + lanes);
    }
    return lanes;
  }
}
