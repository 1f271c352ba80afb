package io.geomachine.core.engine;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.repository.DbErrors;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Rides out a short database outage inside one message delivery. Without this a consumer would nack
 * at once, the broker would redeliver at once, and a restart of a few seconds would use up a
 * message's delivery attempts and send it to the dead-letter queue although nothing is wrong with
 * it. The work is retried with backoff (250 ms doubling to 2 s) for at most {@code maxWait}; every
 * unit of work given here is a transaction that either committed or left nothing behind.
 */
public final class StoreOutage {
  private static final Logger LOG = Logger.getLogger(StoreOutage.class);

  private StoreOutage() {}

  public static <T> T retry(Supplier<T> work, Duration maxWait) {
    return retry(work, maxWait, () -> true);
  }

  /** As {@link #retry(Supplier, Duration)}, retrying only while {@code stillSafe} holds. */
  public static <T> T retry(Supplier<T> work, Duration maxWait, BooleanSupplier stillSafe) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    long pauseMillis = 250;
    while (true) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        boolean retry =
            isStoreUnavailable(e)
                && stillSafe.getAsBoolean()
                && System.nanoTime() + pauseMillis * 1_000_000 < deadline;
        if (!retry) {
          throw e;
        }
        LOG.warnf("database unavailable (%s); retrying in %d ms", e.getMessage(), pauseMillis);
        try {
          Thread.sleep(pauseMillis);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        pauseMillis = Math.min(pauseMillis * 2, 2000);
      }
    }
  }

  static boolean isStoreUnavailable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      Throwable translated = DbErrors.translate(c);
      if (translated instanceof GeoMachineException g && g.code() == ErrorCode.STORE_UNAVAILABLE) {
        return true;
      }
      if (c instanceof java.net.ConnectException
          || c instanceof java.nio.channels.ClosedChannelException
          || c instanceof java.util.concurrent.TimeoutException) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }
}
