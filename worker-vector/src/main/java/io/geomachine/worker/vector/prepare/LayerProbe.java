package io.geomachine.worker.vector.prepare;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a vector layer is, from a schema-only probe ({@code probe_layer.py} with GDAL's Python
 * bindings, which GDAL 3.6's {@code ogrinfo} cannot print as JSON): driver, layer, geometry type
 * (declared, and sampled from the first features when the layer declares none), Z/M, CRS, fields.
 */
public record LayerProbe(
    String driver,
    String layer,
    String declaredGeometryType,
    List<String> sampledGeometryTypes,
    boolean hasZ,
    boolean hasM,
    boolean hasFeatures,
    String crsId,
    String crsName,
    List<Field> fields,
    FidRange fidRange) {

  /**
   * A layer's feature ids when they are cheap to know: the id column (null: OGR's {@code FID}
   * special field, for FlatGeobuf and shapefiles, numbered 0..n-1), the smallest and largest id and
   * how many features there are (contiguous when {@code count == max - min + 1}).
   */
  public record FidRange(String column, long min, long max, long count) {
    public boolean contiguous() {
      return count == max - min + 1;
    }
  }

  /** The Python that has GDAL's bindings (Debian's, not a virtualenv's). */
  public static final String PYTHON = "/usr/bin/python3";

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** One attribute field as OGR sees it. */
  public record Field(String name, String type, String subtype) {}

  /** The same probe with another driver name (a part read by another driver than its source). */
  LayerProbe readBy(String driverName) {
    return new LayerProbe(
        driverName,
        layer,
        declaredGeometryType,
        sampledGeometryTypes,
        hasZ,
        hasM,
        hasFeatures,
        crsId,
        crsName,
        fields,
        fidRange);
  }

  public boolean hasCrs() {
    return crsId != null || crsName != null;
  }

  /**
   * Probes {@code layerName} (null: the first layer with a geometry) of the dataset at {@code
   * path}; the probe's own codes (FILE_UNREADABLE, LAYER_NOT_FOUND, NO_GEOMETRY) become permanent
   * task failures naming {@code displayName}.
   */
  public static LayerProbe run(
      Path path, String layerName, List<String> openOptions, Path workDir, String displayName)
      throws IOException, InterruptedException, TaskFailure {
    Path out = workDir.resolve("probe.json");
    ProcessRunner.Result r =
        ProcessRunner.run(command(path, layerName, openOptions, workDir), Map.of(), TIMEOUT, out);
    String text = Files.exists(out) ? Files.readString(out).strip() : "";
    if (!r.ok() || text.isEmpty()) {
      throw new IllegalStateException("layer probe failed: " + r.describeFailure());
    }
    return parse(text, displayName);
  }

  /**
   * The probe's command line: {@code probe_layer.py} (written into {@code workDir}), then {@code
   * extra} arguments before the dataset (e.g. {@code --then-translate}).
   */
  static List<String> command(
      Path path, String layerName, List<String> openOptions, Path workDir, String... extra)
      throws IOException {
    Path script = workDir.resolve("probe_layer.py");
    try (InputStream in = LayerProbe.class.getResourceAsStream("probe_layer.py")) {
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
    command.addAll(List.of(extra));
    command.add(path.toString());
    command.add(layerName == null ? "" : layerName);
    command.addAll(openOptions);
    return command;
  }

  /**
   * The probe's JSON; its own codes (FILE_UNREADABLE, LAYER_NOT_FOUND, NO_GEOMETRY) become
   * permanent task failures naming {@code displayName}.
   */
  static LayerProbe parse(String text, String displayName) throws TaskFailure {
    JsonObject j = new JsonObject(text);
    if (j.containsKey("error")) {
      throw TaskFailure.permanent(
          j.getString("error"), displayName + ": " + j.getString("message"));
    }
    List<Field> fields = new ArrayList<>();
    for (Object o : j.getJsonArray("fields")) {
      JsonObject f = (JsonObject) o;
      fields.add(new Field(f.getString("name"), f.getString("type"), f.getString("subtype")));
    }
    JsonObject crs = j.getJsonObject("crs");
    JsonObject fids = j.getJsonObject("fid_range");
    return new LayerProbe(
        j.getString("driver"),
        j.getString("layer"),
        j.getString("geometry_type"),
        j.getJsonArray("sampled_types", new JsonArray()).stream().map(String::valueOf).toList(),
        j.getBoolean("has_z"),
        j.getBoolean("has_m"),
        j.getBoolean("has_features"),
        crs == null ? null : crs.getString("id"),
        crs == null ? null : crs.getString("name"),
        fields,
        fids == null
            ? null
            : new FidRange(
                fids.getString("column"), // null: the FID special field
                fids.getLong("min"),
                fids.getLong("max"),
                fids.getLong("count")));
  }
}
