package io.geomachine.worker.vector.prepare;

import io.geomachine.core.process.ProcessRunner;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test inputs, all generated: one small reference GeoJSON (points with an attribute of every type)
 * and every other format made from it with ogr2ogr, zips with java.util.zip.
 */
final class VectorFiles {
  static final int FEATURES = 50;

  private VectorFiles() {}

  /** The name attribute of feature i: a few carry COPY's special characters and non-ASCII. */
  static String name(int i) {
    return switch (i) {
      case 3 -> "tab\there back\\slash\nnewline";
      case 4 -> "Zürich — ü";
      default -> "feature " + i;
    };
  }

  static double lon(int i) {
    return 10 + i * 0.1;
  }

  static double lat(int i) {
    return 45 + i * 0.05;
  }

  /** FEATURES points (plus {@code nullGeometries} without a geometry), attributes of every type. */
  static String referenceGeoJson(int nullGeometries) {
    StringBuilder b = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < FEATURES + nullGeometries; i++) {
      if (i > 0) {
        b.append(',');
      }
      String geometry =
          i < FEATURES
              ? "{\"type\":\"Point\",\"coordinates\":[" + lon(i) + "," + lat(i) + "]}"
              : "null";
      b.append("{\"type\":\"Feature\",\"properties\":{")
          .append("\"Name\":")
          .append(io.vertx.core.json.Json.encode(name(i)))
          .append(",\"Count\":")
          .append(i)
          .append(",\"Big\":")
          .append(10_000_000_000L + i)
          .append(",\"Value\":")
          .append(i * 1.5 + 0.25)
          .append(",\"Flag\":")
          .append(i % 2 == 0)
          .append(",\"Day\":\"2024-01-")
          .append(String.format("%02d", i % 28 + 1))
          .append("\",\"Stamp\":\"2024-02-03T04:05:")
          .append(String.format("%02d", i % 60))
          .append("Z\",\"Population Total\":")
          .append(i * 100)
          .append("},\"geometry\":")
          .append(geometry)
          .append('}');
    }
    return b.append("]}").toString();
  }

  static void ogr2ogr(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("ogr2ogr"));
    command.addAll(List.of(args));
    ProcessRunner.Result r = ProcessRunner.run(command, Map.of(), Duration.ofMinutes(2), null);
    if (!r.ok()) {
      throw new IllegalStateException(r.describeFailure());
    }
  }

  /** Zips files (or whole folders, under their own name) into {@code zip}. */
  static Path zip(Path zip, Path... entries) throws IOException {
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (Path entry : entries) {
        Path base = entry.getParent();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(entry)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
          z.putNextEntry(new ZipEntry(base.relativize(f).toString()));
          Files.copy(f, z);
          z.closeEntry();
        }
      }
    }
    return zip;
  }
}
