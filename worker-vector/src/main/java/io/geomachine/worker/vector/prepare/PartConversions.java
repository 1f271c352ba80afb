package io.geomachine.worker.vector.prepare;

import io.geomachine.core.process.ProcessRunner;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Converts the parts of a split source at once: one ogr2ogr per part writing into its own pipe, one
 * {@link CopyChunker} per part cutting its chunks, numbered from the part's first chunk index. A
 * part that does not fill exactly its share of chunks (rows dropped, records miscounted) makes the
 * whole attempt {@link Misaligned}: the caller then converts the source in one pass instead.
 */
final class PartConversions {
  /** The parts did not line up with their chunk index ranges. */
  static final class Misaligned extends Exception {
    Misaligned(String message) {
      super(message, null, false, false);
    }
  }

  /** Converts one part into the dump pipe {@code pipe}; runs until the conversion ends. */
  @FunctionalInterface
  interface Converter {
    ProcessRunner.Result convert(SourceSplit.Part part, Path pipe) throws Exception;
  }

  /**
   * What every part does: the normalisation, chunking and upload settings of the whole, and who
   * converts a part (by default an ogr2ogr of its own).
   */
  record Settings(
      Normalisation normalisation,
      RowEncoding encoding,
      int chunkSize,
      ChunkUploads uploads,
      Duration timeout,
      Converter converter) {
    Settings(
        Normalisation normalisation,
        RowEncoding encoding,
        int chunkSize,
        ChunkUploads uploads,
        Duration timeout) {
      this(
          normalisation,
          encoding,
          chunkSize,
          uploads,
          timeout,
          (part, pipe) ->
              ProcessRunner.run(
                  normalisation.forPart(part).command(pipe), Map.of(), timeout, null));
    }
  }

  /** One part's outcome. */
  record PartResult(SourceSplit.Part part, ProcessRunner.Result process, CopyChunker.Result rows) {}

  private static final Logger LOG = Logger.getLogger(PartConversions.class);

  /** How long the other parts get to stop when one failed (their ogr2ogr is killed). */
  private static final Duration STOP_WAIT = Duration.ofSeconds(30);

  private PartConversions() {}

  /**
   * Runs every part; the parts' results in part order (a failed ogr2ogr is the caller's to report).
   * Throws {@link Misaligned} when a part wrote more or fewer chunks than its range.
   */
  static List<PartResult> run(SourceSplit.Plan plan, Settings settings) throws Exception {
    List<SourceSplit.Part> parts = plan.parts();
    ExecutorService threads = Executors.newFixedThreadPool(parts.size());
    try {
      List<Future<PartResult>> running = new ArrayList<>();
      for (SourceSplit.Part part : parts) {
        running.add(threads.submit(() -> convert(part, settings)));
      }
      List<PartResult> results = new ArrayList<>();
      for (Future<PartResult> f : running) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          running.forEach(other -> other.cancel(true));
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
      for (PartResult r : results) {
        if (r.process().ok() && !r.part().last() && r.rows().chunks() != r.part().chunks()) {
          throw new Misaligned(
              "part "
                  + r.part().number()
                  + " wrote "
                  + r.rows().chunks()
                  + " chunks, not "
                  + r.part().chunks());
        }
      }
      return results;
    } finally {
      threads.shutdownNow();
      // a part still writing could store a chunk after the caller cleaned up the job's chunks
      if (!threads.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warnf("a part conversion did not stop within %s", STOP_WAIT);
      }
    }
  }

  private static PartResult convert(SourceSplit.Part part, Settings settings) throws Exception {
    Path pipe = part.dir().resolve("dump.pipe");
    CopyChunker.ChunkSink sink =
        new CopyChunker.ChunkSink() {
          @Override
          public OutputStream open(int index) throws Exception {
            if (!part.last() && index >= part.chunks()) {
              throw new Misaligned(
                  "part " + part.number() + " has more than " + part.chunks() + " chunks");
            }
            return settings.uploads().open(part.firstChunk() + index);
          }

          @Override
          public void finished(int index, long rows) throws Exception {
            settings.uploads().finished(part.firstChunk() + index, rows);
          }
        };
    OgrPipe.Outcome<CopyChunker.Result> outcome =
        OgrPipe.run(
            () -> settings.converter().convert(part, pipe),
            pipe,
            in -> new CopyChunker(settings.encoding(), settings.chunkSize(), sink).split(in));
    return new PartResult(part, outcome.process(), outcome.value());
  }

  /** The parts' rows as one pass would have counted them (without the schema features). */
  static CopyChunker.Result merge(List<PartResult> results, int nullRowsPerPart) {
    long rows = 0;
    long dropped = 0;
    int chunks = 0;
    TreeSet<Integer> types = new TreeSet<>();
    boolean anyZ = false;
    boolean anyM = false;
    for (PartResult r : results) {
      CopyChunker.Result c = r.rows();
      rows += c.rows();
      dropped += c.droppedNullOrEmpty() - nullRowsPerPart;
      chunks += c.chunks();
      types.addAll(c.baseTypes());
      anyZ |= c.anyZ();
      anyM |= c.anyM();
    }
    return new CopyChunker.Result(rows, dropped, chunks, types, anyZ, anyM);
  }
}
