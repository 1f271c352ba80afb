package io.geomachine.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StoreOutageTest {
  private static GeoMachineException unavailable() {
    return new GeoMachineException(ErrorCode.STORE_UNAVAILABLE, "database unavailable");
  }

  @Test
  void anOutageShorterThanTheLimitIsWaitedOut() {
    AtomicInteger calls = new AtomicInteger();
    String result =
        StoreOutage.retry(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw unavailable();
              }
              return "done";
            },
            Duration.ofSeconds(5));
    assertEquals("done", result);
    assertEquals(3, calls.get());
  }

  @Test
  void otherErrorsAreNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    GeoMachineException invalid = new GeoMachineException(ErrorCode.INVALID_STATE, "no");
    assertSame(
        invalid,
        assertThrows(
            GeoMachineException.class,
            () ->
                StoreOutage.retry(
                    () -> {
                      calls.incrementAndGet();
                      throw invalid;
                    },
                    Duration.ofSeconds(5))));
    assertEquals(1, calls.get());
  }

  @Test
  void itGivesUpAtItsLimitAndWhenNoLongerSafe() {
    AtomicInteger calls = new AtomicInteger();
    long start = System.nanoTime();
    assertThrows(
        GeoMachineException.class,
        () ->
            StoreOutage.retry(
                () -> {
                  calls.incrementAndGet();
                  throw unavailable();
                },
                Duration.ofMillis(900)));
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    // 250 + 500 ms of pauses fit in 900 ms, the next 1 s pause does not: three calls.
    assertEquals(3, calls.get());
    assertEquals(true, elapsedMillis < 900, "gave up after " + elapsedMillis + " ms");

    AtomicInteger unsafeCalls = new AtomicInteger();
    assertThrows(
        GeoMachineException.class,
        () ->
            StoreOutage.retry(
                () -> {
                  unsafeCalls.incrementAndGet();
                  throw unavailable();
                },
                Duration.ofSeconds(5),
                () -> false));
    assertEquals(1, unsafeCalls.get(), "after the claim an outage is not retried here");
  }
}
