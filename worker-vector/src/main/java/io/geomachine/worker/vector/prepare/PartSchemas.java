package io.geomachine.worker.vector.prepare;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How the parts of a split source are made to read with the whole file's schema: a {@code .csvt}
 * for a CSV part, a leading "schema feature" for a GeoJSONSeq part (see {@link SourceSplit}).
 */
final class PartSchemas {
  private static final Set<String> CSV_TYPES =
      Set.of("Integer", "Integer64", "Real", "String", "Date", "Time", "DateTime");

  private PartSchemas() {}

  /**
   * The {@code .csvt} line for a plain comma-separated header whose columns are the probed fields
   * plus the geometry columns (typed String: the driver reads coordinates and WKT from the text);
   * null when the header is anything else.
   */
  static String csvTypes(String header, LayerProbe probe) {
    List<String> names = plainHeader(header);
    if (names == null) {
      return null;
    }
    List<String> fields = probe.fields().stream().map(LayerProbe.Field::name).toList();
    if (new HashSet<>(names).size() != names.size()
        || !names.stream().filter(fields::contains).toList().equals(fields)) {
      return null;
    }
    List<String> types = new ArrayList<>();
    for (String name : names) {
      int i = fields.indexOf(name);
      if (i < 0) {
        types.add("\"String\"");
        continue;
      }
      LayerProbe.Field f = probe.fields().get(i);
      if (!CSV_TYPES.contains(f.type()) || !"None".equals(f.subtype())) {
        return null;
      }
      types.add("\"" + f.type() + "\"");
    }
    return String.join(",", types) + "\n";
  }

  /**
   * The column names of a plain comma-separated header (no quotes, no other separator), or null.
   */
  static List<String> plainHeader(String header) {
    String h = header.endsWith("\r") ? header.substring(0, header.length() - 1) : header;
    if (h.startsWith("\uFEFF")) {
      h = h.substring(1);
    }
    if (h.isEmpty()
        || h.contains("\"")
        || h.contains(";")
        || h.contains("\t")
        || !h.contains(",")) {
      return null;
    }
    return Arrays.asList(h.split(",", -1));
  }

  /**
   * A null-geometry feature with a value of each probed field's type, in the probed order; null
   * when a type is not one whose widening is certain (integers, booleans, reals, plain strings).
   */
  static JsonObject schemaFeature(LayerProbe probe) {
    JsonObject properties = new JsonObject();
    for (LayerProbe.Field f : probe.fields()) {
      String kind = f.type() + "/" + f.subtype();
      Object value =
          switch (kind) {
            case "Integer/None" -> 0;
            case "Integer/Boolean" -> true;
            case "Integer64/None" -> 4294967296L;
            case "Real/None" -> 0.5;
            case "String/None" -> "";
            default -> null;
          };
      if (value == null || properties.containsKey(f.name())) {
        return null;
      }
      properties.put(f.name(), value);
    }
    return new JsonObject()
        .put("type", "Feature")
        .put("properties", properties)
        .putNull("geometry");
  }
}
