package io.geomachine.core.process;

import io.geomachine.core.concurrent.DaemonThreads;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external tool (GDAL, pg_dump, pypgstac) as a subprocess with a timeout, its output
 * captured (the last {@value #MAX_OUTPUT} characters, enough for any error). An interrupted caller
 * (a cancelled task) kills the process.
 */
public final class ProcessRunner {
  public static final int MAX_OUTPUT = 16_000;

  private ProcessRunner() {}

  /** What a finished command did; exit code -1 when it timed out and was killed. */
  public record Result(List<String> command, int exitCode, String output, long durationMs) {
    public boolean ok() {
      return exitCode == 0;
    }

    public boolean timedOut() {
      return exitCode < 0;
    }

    /** "gdalwarp exited with status 1: ERROR 4: ..." for messages. */
    public String describeFailure() {
      return Path.of(command.get(0)).getFileName()
          + (timedOut() ? " timed out" : " exited with status " + exitCode)
          + (output.isBlank() ? "" : ": " + output.strip());
    }
  }

  /** The executable for a program name or path, or null when there is none. */
  public static Path resolve(String program) {
    if (program.contains("/")) {
      Path p = Path.of(program);
      return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
    }
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  /**
   * Runs {@code command}; standard output goes to {@code stdoutFile} when given (a dump, a data
   * stream), otherwise it is captured together with standard error.
   */
  public static Result run(
      List<String> command, Map<String, String> env, Duration timeout, Path stdoutFile)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    if (stdoutFile != null) {
      pb.redirectOutput(stdoutFile.toFile());
    } else {
      pb.redirectErrorStream(true);
    }
    Started started =
        new Started(command, pb.start(), stdoutFile != null ? Stream.STDERR : Stream.STDOUT);
    try {
      started.process.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing is written to the tool's stdin; it may have closed it first
    }
    return started.await(timeout);
  }

  /**
   * Starts {@code command} for a conversation: the caller writes its standard input and reads its
   * standard output; standard error is captured for the {@link Result}. {@link Started#await} ends
   * it.
   */
  public static Started start(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    return new Started(command, pb.start(), Stream.STDERR);
  }

  private enum Stream {
    STDOUT,
    STDERR
  }

  /** A running command whose captured output ends up in its {@link Result}. */
  public static final class Started {
    private final List<String> command;
    private final Process process;
    private final Tail tail;
    private final Thread reader;
    private final long start = System.nanoTime();

    private Started(List<String> command, Process process, Stream captured) {
      this.command = List.copyOf(command);
      this.process = process;
      this.tail =
          new Tail(captured == Stream.STDERR ? process.getErrorStream() : process.getInputStream());
      this.reader = DaemonThreads.start("output-of-" + Path.of(command.get(0)).getFileName(), tail);
    }

    /** The command's standard input (closing it tells a conversing tool there is no more). */
    public OutputStream stdin() {
      return process.getOutputStream();
    }

    /** The command's standard output (only for {@link ProcessRunner#start}). */
    public InputStream stdout() {
      return process.getInputStream();
    }

    /** Kills the command if it still runs (a conversation given up). */
    public void kill() {
      process.destroyForcibly();
    }

    /**
     * Waits until the command ends, killing it after {@code timeout} or when this thread is
     * interrupted (a cancelled task).
     */
    public Result await(Duration timeout) throws InterruptedException {
      boolean finished;
      try {
        finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!finished) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        reader.join(5_000);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        throw e;
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      return new Result(command, finished ? process.exitValue() : -1, tail.text(), ms);
    }
  }

  /** Keeps the last MAX_OUTPUT characters of a stream. */
  private static final class Tail implements Runnable {
    private final InputStream in;
    private final StringBuilder text = new StringBuilder();

    Tail(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          synchronized (text) {
            text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            if (text.length() > 2 * MAX_OUTPUT) {
              text.delete(0, text.length() - MAX_OUTPUT);
            }
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }

    String text() {
      synchronized (text) {
        return text.length() > MAX_OUTPUT
            ? "..." + text.substring(text.length() - MAX_OUTPUT)
            : text.toString();
      }
    }
  }
}
