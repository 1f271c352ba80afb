package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * Requested attribute indexes, their columns resolved to target column names: a name is taken as a
 * target (cleaned) name first, then as a source field name (exactly, then ignoring case).
 */
final class IndexSpecs {
  private IndexSpecs() {}

  static JsonArray resolve(JsonArray requested, List<VectorManifest.Column> columns)
      throws TaskFailure {
    JsonArray out = new JsonArray();
    for (Object o : requested) {
      JsonObject spec = (JsonObject) o;
      JsonArray resolved = new JsonArray();
      for (Object c : spec.getJsonArray("columns")) {
        resolved.add(resolve((String) c, columns));
      }
      out.add(
          new JsonObject().put("columns", resolved).put("type", spec.getString("type", "btree")));
    }
    return out;
  }

  private static String resolve(String name, List<VectorManifest.Column> columns)
      throws TaskFailure {
    for (VectorManifest.Column c : columns) {
      if (c.name().equals(name)) {
        return c.name();
      }
    }
    for (VectorManifest.Column c : columns) {
      if (c.sourceName().equals(name)) {
        return c.name();
      }
    }
    for (VectorManifest.Column c : columns) {
      if (c.sourceName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        return c.name();
      }
    }
    throw TaskFailure.permanent(
        "INDEX_COLUMN_NOT_FOUND",
        "indexes: no column '"
            + name
            + "'; the table's attribute columns are "
            + String.join(", ", columns.stream().map(VectorManifest.Column::name).toList()));
  }
}
