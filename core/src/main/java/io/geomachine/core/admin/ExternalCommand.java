package io.geomachine.core.admin;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a PostgreSQL tool or pypgstac as a subprocess with the libpq environment, a timeout and its
 * output captured (the last {@value #MAX_OUTPUT} characters, enough for any error).
 */
final class ExternalCommand {
  static final int MAX_OUTPUT = 16_000;

  private ExternalCommand() {}

  /** What a finished command did. */
  record Result(List<String> command, int exitCode, String output, long durationMs) {
    boolean ok() {
      return exitCode == 0;
    }

    /** Throws a step failure naming the command and its output unless it exited 0. */
    Result requireOk() {
      if (!ok()) {
        throw new AdminException(
            String.join(" ", command)
                + (exitCode < 0 ? " timed out" : " exited with status " + exitCode)
                + (output.isBlank() ? "" : ": " + output.strip()));
      }
      return this;
    }
  }

  /** An executable that is missing is reported before anything is changed (preflight). */
  static void requireExecutable(String program, String what) {
    if (resolve(program) == null) {
      throw new AdminException(
          what
              + " '"
              + program
              + "' is not an executable file"
              + (program.contains("/") ? "" : " on PATH")
              + "; check the configuration");
    }
  }

  static Path resolve(String program) {
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
   * Runs {@code command}; standard output goes to {@code stdoutFile} when given (a dump, a script),
   * otherwise it is captured together with standard error.
   */
  static Result run(
      List<String> command, Map<String, String> env, Duration timeout, Path stdoutFile) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    if (stdoutFile != null) {
      pb.redirectOutput(stdoutFile.toFile());
    } else {
      pb.redirectErrorStream(true);
    }
    long start = System.nanoTime();
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new AdminException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing is written to the tool's stdin; it may have closed it first
    }
    InputStream captured = stdoutFile != null ? process.getErrorStream() : process.getInputStream();
    Tail tail = new Tail(captured);
    Thread reader = new Thread(tail, "output-of-" + Path.of(command.get(0)).getFileName());
    reader.setDaemon(true);
    reader.start();
    boolean finished;
    try {
      finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!finished) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5_000);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted while running " + command.get(0), e);
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    return new Result(List.copyOf(command), finished ? process.exitValue() : -1, tail.text(), ms);
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

  static List<String> args(String program, String... rest) {
    List<String> out = new ArrayList<>();
    out.add(program);
    out.addAll(List.of(rest));
    return out;
  }
}
