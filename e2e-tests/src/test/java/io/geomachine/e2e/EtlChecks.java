package io.geomachine.e2e;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** What the ETL e2e tests check outside the platform: COGs with GDAL, items in pgstac. */
final class EtlChecks {
  private EtlChecks() {}

  /** Downloads the blob and returns {@code gdalinfo -json} of it. */
  static JsonObject gdalinfo(Platform platform, String container, String blob) throws Exception {
    Path dir = Files.createTempDirectory("e2e-cog");
    Path file = dir.resolve("cog.tif");
    try {
      platform.blobs().download(container, blob, file);
      return new JsonObject(run("gdalinfo", "-json", file.toString()));
    } finally {
      Files.deleteIfExists(file);
      Files.deleteIfExists(dir);
    }
  }

  /** Runs a command line tool (GDAL) and returns its output; fails unless it exits with 0. */
  static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out;
  }

  /** The IMAGE_STRUCTURE LAYOUT gdalinfo reports (COG for a cloud-optimised GeoTIFF). */
  static String layout(JsonObject gdalinfo) {
    return gdalinfo.getJsonObject("metadata").getJsonObject("IMAGE_STRUCTURE").getString("LAYOUT");
  }

  /** Items in pgstac whose app:job_id is the job. */
  static long itemsOfJob(Platform platform, String jobId) {
    return Jobs.count(
        platform.database().pool(),
        "SELECT count(*) FROM pgstac.items WHERE content->'properties'->>'app:job_id' = $1",
        jobId);
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
