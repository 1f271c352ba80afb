package io.geomachine.core.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void threadsAreNamedDaemons() throws Exception {
    Thread made = DaemonThreads.named("sweeper").newThread(() -> {});
    assertTrue(made.isDaemon());
    assertEquals("sweeper", made.getName());

    CompletableFuture<String> ranOn = new CompletableFuture<>();
    Thread started =
        DaemonThreads.start(
            "reader",
            () ->
                ranOn.complete(
                    Thread.currentThread().getName() + " " + Thread.currentThread().isDaemon()));
    assertEquals("reader true", ranOn.get(5, TimeUnit.SECONDS));
    started.join(5_000);
  }
}
