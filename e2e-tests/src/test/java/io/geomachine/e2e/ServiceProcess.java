package io.geomachine.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One GeoMachine service running as its own OS process from its packaged quarkus-run.jar. */
final class ServiceProcess {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final int port;
  private final Process process;
  private final Path log;
  private volatile boolean stoppedOnPurpose;

  private ServiceProcess(String name, int port, Process process, Path log) {
    this.name = name;
    this.port = port;
    this.process = process;
    this.log = log;
  }

  static ServiceProcess start(String module, String name, int port, Map<String, String> env) {
    Path root =
        Path.of(System.getProperty("geomachine.repo.root", "..")).toAbsolutePath().normalize();
    Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: package the services first");
    }
    try {
      Path logDir = root.resolve("e2e-tests/target/service-logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      ProcessBuilder pb =
          new ProcessBuilder(
              List.of(
                  "java",
                  "-Xms64m",
                  "-Xmx256m",
                  "-XX:TieredStopAtLevel=1",
                  "-jar",
                  jar.toString()));
      pb.environment().putAll(env);
      pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      Process process = pb.start();
      // Never leave a service behind, even if the test JVM is stopped half-way.
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
      return new ServiceProcess(name, port, process, log);
    } catch (IOException e) {
      throw new IllegalStateException("could not start " + name, e);
    }
  }

  /** Waits until /q/health/ready answers 200 (a process stopped on purpose is skipped). */
  void awaitReady(Duration timeout) {
    if (stoppedOnPurpose) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            name + " exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(200);
    }
    throw new IllegalStateException(name + " not ready within " + timeout + "; see " + log);
  }

  /** kill -9: the process gets no chance to finish anything. */
  void kill() {
    stoppedOnPurpose = true;
    process.destroyForcibly();
    waitForExit();
  }

  /**
   * SIGSTOP: every thread stops where it is (a transaction stays open, nothing more reaches the
   * database or the broker) until {@link #thaw} or {@link #kill}.
   */
  void freeze() {
    signal("STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A normal shutdown (SIGTERM). */
  void stop() {
    stoppedOnPurpose = true;
    process.destroy();
    waitForExit();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  String name() {
    return name;
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
