package io.geomachine.worker.vector.prepare;

import io.geomachine.core.process.ProcessRunner;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a tool that writes a file (ogr2ogr's dump) into a named pipe while this thread reads it, so
 * reading, splitting and uploading overlap with GDAL's work instead of following it.
 */
final class OgrPipe {
  /** Reads what the tool writes. */
  @FunctionalInterface
  interface Reader<T> {
    T read(InputStream in) throws Exception;
  }

  /** Runs the tool to its end; it writes into the pipe. */
  @FunctionalInterface
  interface Tool {
    ProcessRunner.Result run() throws Exception;
  }

  /** What the tool did and what the reader made of its output. */
  record Outcome<T>(ProcessRunner.Result process, T value) {}

  private OgrPipe() {}

  /**
   * Creates the pipe {@code fifo}, runs {@code tool} (which must write to it) and reads it. If the
   * reader fails, the tool is killed; if the tool ends without opening the pipe, the reader sees an
   * empty stream.
   */
  static <T> Outcome<T> run(Tool tool, Path fifo, Reader<T> reader) throws Exception {
    ProcessRunner.Result made =
        ProcessRunner.run(
            List.of("mkfifo", fifo.toString()), Map.of(), Duration.ofSeconds(30), null);
    if (!made.ok()) {
      throw new IllegalStateException("cannot create a pipe: " + made.describeFailure());
    }
    AtomicBoolean readerOpened = new AtomicBoolean();
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<ProcessRunner.Result> running =
          runner.submit(
              () -> {
                ProcessRunner.Result r = tool.run();
                if (!readerOpened.get()) {
                  // the tool never opened the pipe: open and close it so the reader's open returns
                  try (OutputStream unblock = Files.newOutputStream(fifo)) {
                    unblock.flush();
                  }
                }
                return r;
              });
      T value;
      try (InputStream in = Files.newInputStream(fifo)) {
        readerOpened.set(true);
        value = reader.read(in);
      } catch (Exception | Error e) {
        running.cancel(true); // interrupts ProcessRunner, which kills the tool
        throw e;
      }
      try {
        return new Outcome<>(running.get(), value);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    } finally {
      runner.shutdownNow();
      Files.deleteIfExists(fifo);
    }
  }
}
