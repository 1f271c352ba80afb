package io.geomachine.core.schema;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Map;

/** The SQL type for a Java type, when a {@link Column} does not name one. */
final class SqlTypes {
  private static final Map<Class<?>, String> TYPES =
      Map.ofEntries(
          Map.entry(String.class, "VARCHAR"),
          Map.entry(int.class, "INTEGER"),
          Map.entry(Integer.class, "INTEGER"),
          Map.entry(long.class, "BIGINT"),
          Map.entry(Long.class, "BIGINT"),
          Map.entry(boolean.class, "BOOLEAN"),
          Map.entry(Boolean.class, "BOOLEAN"),
          Map.entry(double.class, "DOUBLE PRECISION"),
          Map.entry(Double.class, "DOUBLE PRECISION"),
          Map.entry(LocalDateTime.class, "TIMESTAMP"),
          Map.entry(OffsetDateTime.class, "TIMESTAMPTZ"),
          Map.entry(io.vertx.core.json.JsonObject.class, "JSONB"),
          Map.entry(io.vertx.core.json.JsonArray.class, "JSONB"));

  private SqlTypes() {}

  static String forJavaType(Class<?> type) {
    return TYPES.get(type);
  }
}
