package io.geomachine.worker.raster.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A task's private local directory, deleted with everything in it when the task ends. */
public final class WorkDir implements AutoCloseable {
  private final Path path;

  private WorkDir(Path path) {
    this.path = path;
  }

  /** A new directory under {@code root} (created if needed), named after the task. */
  public static WorkDir create(Path root, String label) {
    try {
      Files.createDirectories(root);
      String safe = label.replaceAll("[^A-Za-z0-9_.-]", "_");
      return new WorkDir(
          Files.createTempDirectory(root, safe.substring(0, Math.min(40, safe.length())) + "-"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a work directory under " + root, e);
    }
  }

  public Path path() {
    return path;
  }

  public Path resolve(String name) {
    return path.resolve(name);
  }

  @Override
  public void close() {
    try (Stream<Path> walk = Files.walk(path)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // best effort; the OS temp cleaner gets the rest
                }
              });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
