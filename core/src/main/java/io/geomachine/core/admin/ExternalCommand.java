package io.geomachine.core.admin;

import io.geomachine.core.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a PostgreSQL tool or pypgstac through {@link ProcessRunner}, with failures as step failures
 * ({@link AdminException}).
 */
final class ExternalCommand {
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
    return ProcessRunner.resolve(program);
  }

  /**
   * Runs {@code command}; standard output goes to {@code stdoutFile} when given (a dump, a script),
   * otherwise it is captured together with standard error.
   */
  static Result run(
      List<String> command, Map<String, String> env, Duration timeout, Path stdoutFile) {
    try {
      ProcessRunner.Result r = ProcessRunner.run(command, env, timeout, stdoutFile);
      return new Result(r.command(), r.exitCode(), r.output(), r.durationMs());
    } catch (IOException e) {
      throw new AdminException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminException("interrupted while running " + command.get(0), e);
    }
  }

  static List<String> args(String program, String... rest) {
    List<String> out = new ArrayList<>();
    out.add(program);
    out.addAll(List.of(rest));
    return out;
  }
}
