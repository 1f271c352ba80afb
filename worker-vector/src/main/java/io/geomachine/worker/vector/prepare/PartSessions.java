package io.geomachine.worker.vector.prepare;

import io.geomachine.core.concurrent.DaemonThreads;
import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One GDAL process per part of a split source (or one for a whole source) that probes its part and
 * then, when told to, converts it from the dataset it still has open ({@code probe_layer.py
 * --then-translate}). GDAL's GeoJSONSeq, GeoJSON, KML and GML drivers parse the whole file to learn
 * its schema each time they open one, so a probe followed by a separate ogr2ogr parsed it once
 * more; here each part is opened once. The conversion is the one {@link Normalisation#command} runs
 * (same GDAL code, same output bytes). Closing ends every process that still runs.
 */
final class PartSessions implements AutoCloseable {
  private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(10);

  private final List<ProcessRunner.Started> running = new ArrayList<>();
  private final List<CompletableFuture<String>> probeLines = new ArrayList<>();

  private PartSessions() {}

  /** Starts probing every part of {@code plan} at once. */
  static PartSessions start(SourceSplit.Plan plan, String layerName) throws IOException {
    PartSessions sessions = new PartSessions();
    try {
      for (SourceSplit.Part part : plan.parts()) {
        ProcessRunner.Started s =
            ProcessRunner.start(
                LayerProbe.command(
                    part.dataset(), layerName, part.openOptions(), part.dir(), "--then-translate"),
                Map.of());
        sessions.running.add(s);
        sessions.probeLines.add(firstLine(s));
      }
      return sessions;
    } catch (IOException | RuntimeException e) {
      sessions.close();
      throw e;
    }
  }

  /**
   * Starts probing a whole source that is not cut into parts: one session, part number 0. GDAL's
   * GeoJSON, KML and GML drivers parse the whole file when they open it, so a probe followed by an
   * ogr2ogr parsed it once more than ogr2ogr alone does.
   */
  static PartSessions whole(Path dataset, List<String> openOptions, Path dir, String layerName)
      throws IOException {
    SourceSplit.Part all = new SourceSplit.Part(0, dir, dataset, openOptions, 0, 0, true, null);
    return start(new SourceSplit.Plan(List.of(all), 0), layerName);
  }

  /** The probe's one line, read on its own thread so that waiting for it stays interruptible. */
  private static CompletableFuture<String> firstLine(ProcessRunner.Started s) {
    CompletableFuture<String> line = new CompletableFuture<>();
    DaemonThreads.start(
        "part-probe-reader",
        () -> {
          try {
            BufferedReader r =
                new BufferedReader(
                    new InputStreamReader(s.stdout(), StandardCharsets.UTF_8), 1 << 16);
            line.complete(r.readLine());
          } catch (IOException | RuntimeException e) {
            line.completeExceptionally(e);
          }
        });
    return line;
  }

  /**
   * Every part's probe, in part order; null when a part's probe failed or reported an error (the
   * caller probes the whole file, which reports it).
   */
  List<LayerProbe> probes(String display) throws InterruptedException {
    List<LayerProbe> probes = new ArrayList<>();
    for (CompletableFuture<String> line : probeLines) {
      try {
        String text = line.get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (text == null || text.isBlank()) {
          return null;
        }
        probes.add(LayerProbe.parse(text, display));
      } catch (ExecutionException | TimeoutException | TaskFailure | RuntimeException e) {
        return null;
      }
    }
    return probes;
  }

  /**
   * Tells part {@code part}'s process to convert as {@code order} says and waits until it ends (its
   * output goes to the order's {@code dest}).
   */
  ProcessRunner.Result translate(int part, JsonObject order, Duration timeout)
      throws IOException, InterruptedException {
    ProcessRunner.Started s = running.get(part);
    try (OutputStream in = s.stdin()) {
      in.write((order.encode() + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return s.await(timeout);
  }

  /** A conversion of a part by its session, for {@link PartConversions}. */
  PartConversions.Converter converter(Normalisation normalisation, Duration timeout) {
    return (part, pipe) -> translate(part.number(), normalisation.translateOrder(pipe), timeout);
  }

  @Override
  public void close() {
    running.forEach(ProcessRunner.Started::kill);
  }
}
