package io.geomachine.core.admin;

import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an integrity query found: how many rows in all, and the first few as samples. The queries
 * put the total in a {@code total} column ({@code count(*) OVER ()}), so one round trip gives both.
 */
record Findings(long total, List<Map<String, Object>> samples) {

  static Findings from(RowSet<Row> rs, String... columns) {
    long total = 0;
    List<Map<String, Object>> samples = new ArrayList<>();
    for (Row r : rs) {
      total = r.getLong("total");
      Map<String, Object> sample = new LinkedHashMap<>();
      for (String col : columns) {
        Object v = r.getValue(col);
        sample.put(col, v == null ? null : v.toString());
      }
      samples.add(sample);
    }
    return new Findings(total, samples);
  }
}
