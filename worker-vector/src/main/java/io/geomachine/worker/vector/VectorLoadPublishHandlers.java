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
            vector.jdbcUrl(),
            vector.jdbcUser(),
            vector.jdbcPassword(),
            vector.jdbcSslMode(),
            atLeastOne("load-concurrency", vector.loadConcurrency()));
    VectorStacItems items = new VectorStacItems(vector.jdbcUrl(), vector.featuresBaseUrl());
    return List.of(
        new VectorLoadChunkHandler(blobs, temp, loader),
        new VectorPublishHandler(pool, blobs, temp, items, publishLanes(vector)));
  }

  /** {@code publish-lanes}, by default the available processors. */
  static int publishLanes(VectorWorkerConfig.VectorConfig vector) {
    return atLeastOne("publish-lanes", vector.publishLanes());
  }

  /** A per-core setting: its value, by default the available processors; refused below 1. */
  private static int atLeastOne(String name, java.util.Optional<Integer> value) {
    int n = value.orElse(Runtime.getRuntime().availableProcessors());
    if (n < 1) {
      throw new IllegalArgumentException(
          "geomachine.worker.vector." + name + " must be at least 1, got " + n);
    }
    return n;
  }
}
