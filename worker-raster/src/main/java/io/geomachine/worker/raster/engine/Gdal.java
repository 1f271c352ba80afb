package io.geomachine.worker.raster.engine;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs GDAL's command-line tools with a timeout. Auxiliary {@code .aux.xml} files are never written
 * (statistics are printed, not persisted), so nothing appears next to sources or COGs.
 */
public final class Gdal {
  static final Map<String, String> ENV =
      Map.of("GDAL_PAM_ENABLED", "NO", "GDAL_DISABLE_READDIR_ON_OPEN", "EMPTY_DIR");

  private final Duration timeout;
  private final Map<String, String> env;
  private final Supplier<Map<String, String>> perRunEnv;

  public Gdal(Duration timeout) {
    this(timeout, ENV, Map::of);
  }

  private Gdal(Duration timeout, Map<String, String> env, Supplier<Map<String, String>> perRunEnv) {
    this.timeout = timeout;
    this.env = env;
    this.perRunEnv = perRunEnv;
  }

  /**
   * (raster-b) The same tools with more environment, e.g. the credentials GDAL's {@code /vsiaz/}
   * needs to read a source straight from blob storage.
   */
  public Gdal withEnv(Map<String, String> extra) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extra);
    return new Gdal(timeout, Map.copyOf(all), perRunEnv);
  }

  /**
   * The same tools with environment computed for every run, e.g. an access token that expires: each
   * tool starts with the value current at its start.
   */
  public Gdal withPerRunEnv(Supplier<Map<String, String>> extra) {
    return new Gdal(timeout, env, extra);
  }

  /** The environment of a tool started now. */
  Map<String, String> env() {
    Map<String, String> now = perRunEnv.get();
    if (now.isEmpty()) {
      return env;
    }
    Map<String, String> all = new HashMap<>(env);
    all.putAll(now);
    return all;
  }

  public Duration timeout() {
    return timeout;
  }

  /** Runs a tool; a timeout is the permanent failure GDAL_TIMEOUT (running again would too). */
  public ProcessRunner.Result run(List<String> command) throws InterruptedException, TaskFailure {
    ProcessRunner.Result r;
    try {
      r = ProcessRunner.run(command, env(), timeout, null);
    } catch (IOException e) {
      throw new TaskFailure(
          "GDAL_UNAVAILABLE", "cannot run " + command.get(0) + ": " + e.getMessage(), true);
    }
    if (r.timedOut()) {
      throw TaskFailure.permanent(
          RasterCodes.GDAL_TIMEOUT,
          command.get(0) + " did not finish within " + timeout.toSeconds() + " s");
    }
    return r;
  }

  /**
   * {@code gdalinfo -json} of a file (plus {@code extra} options), or FILE_UNREADABLE naming the
   * file when GDAL cannot open or read it (any ERROR while reading counts: a truncated file).
   */
  public JsonObject info(Path file, String label, String... extra)
      throws InterruptedException, TaskFailure {
    List<String> cmd = new ArrayList<>(List.of("gdalinfo", "-json"));
    cmd.addAll(List.of(extra));
    cmd.add(file.toString());
    Path json = null;
    try {
      json = Files.createTempFile(localDirFor(file), "gdalinfo-", ".json");
      ProcessRunner.Result r;
      try {
        r = ProcessRunner.run(cmd, env(), timeout, json);
      } catch (IOException e) {
        throw new TaskFailure("GDAL_UNAVAILABLE", "cannot run gdalinfo: " + e.getMessage(), true);
      }
      if (r.timedOut()) {
        throw TaskFailure.permanent(
            RasterCodes.GDAL_TIMEOUT,
            "gdalinfo did not finish within " + timeout.toSeconds() + " s");
      }
      if (!r.ok() || r.output().contains("ERROR ")) {
        throw TaskFailure.permanent(
            RasterCodes.FILE_UNREADABLE,
            label + " is not a readable raster: " + firstError(r.output()));
      }
      return new JsonObject(Files.readString(json));
    } catch (IOException | DecodeException e) {
      throw TaskFailure.permanent(
          RasterCodes.FILE_UNREADABLE, label + " is not a readable raster: " + e.getMessage());
    } finally {
      if (json != null) {
        try {
          Files.deleteIfExists(json);
        } catch (IOException ignored) {
          // in the task's work directory, which is deleted as a whole
        }
      }
    }
  }

  /** The first GDAL "ERROR n: ..." line, or the whole (short) output. */
  public static String firstError(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith("ERROR")) {
        String msg = line.replaceFirst("^ERROR \\d+: ", "").strip();
        return msg.length() > 300 ? msg.substring(0, 300) + "..." : msg;
      }
    }
    String s = output.strip();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  /**
   * A failed read as a task failure ({@code message} says what failed and why): retryable when
   * GDAL's output says blob storage could not be reached or refused the request (the file may be
   * fine), else permanent with {@code code}.
   */
  public static TaskFailure readFailure(String code, String message, String output) {
    return isAccessProblem(output)
        ? new TaskFailure(RasterCodes.STORAGE_READ_FAILED, message, true)
        : TaskFailure.permanent(code, message);
  }

  /** GDAL's message for a failed HTTP request or authentication, not for a bad file. */
  public static boolean isAccessProblem(String output) {
    String m = output == null ? "" : output;
    return m.contains("HTTP response code: 401")
        || m.contains("HTTP response code: 403")
        || m.contains("HTTP response code: 5")
        || m.contains("curl error")
        || m.contains("Could not resolve")
        || m.contains("AZURE_");
  }

  /** (raster-b) Where gdalinfo's output goes: next to a local file, else (a /vsiaz/ path) tmp. */
  private static Path localDirFor(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent != null && Files.isDirectory(parent)
        ? parent
        : Path.of(System.getProperty("java.io.tmpdir"));
  }
}
