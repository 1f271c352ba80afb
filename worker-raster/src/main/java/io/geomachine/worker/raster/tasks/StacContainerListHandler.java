package io.geomachine.worker.raster.tasks;

import io.geomachine.core.job.raster.StacCatalogContainerJob;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskHandler;
import io.geomachine.core.task.TaskInput;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Stage 1 of stac_catalog_container: the blobs to catalog, by name, filtered by prefix and
 * extension and cut at {@code file_limit}. A container that is empty or does not exist lists
 * nothing (the next stage then plans no task and the job completes).
 */
public final class StacContainerListHandler implements TaskHandler {
  private final BlobStore store;

  public StacContainerListHandler(BlobStore store) {
    this.store = store;
  }

  @Override
  public String taskType() {
    return StacCatalogContainerJob.LIST_TASK;
  }

  @Override
  public JsonObject handle(TaskInput input) {
    JsonObject p = input.parameters();
    List<String> extensions =
        Arrays.stream(p.getString("extension_filter", ".tif,.tiff").split(","))
            .map(e -> e.strip().toLowerCase(Locale.ROOT))
            .filter(e -> !e.isEmpty())
            .map(e -> e.startsWith(".") ? e : "." + e)
            .toList();
    int limit = p.getInteger("file_limit", 1000);
    List<BlobEntry> all = store.list(p.getString("container_name"), p.getString("prefix", ""));
    List<String> matching =
        all.stream()
            .map(BlobEntry::name)
            .filter(n -> !n.endsWith("/"))
            .filter(n -> extensions.stream().anyMatch(n.toLowerCase(Locale.ROOT)::endsWith))
            .sorted(Comparator.naturalOrder())
            .toList();
    List<String> kept = matching.subList(0, Math.min(limit, matching.size()));
    return new JsonObject()
        .put("blobs", new JsonArray(List.copyOf(kept)))
        .put("blobs_in_prefix", all.size())
        .put("matching_extension", matching.size())
        .put("truncated_by_file_limit", matching.size() > kept.size());
  }
}
