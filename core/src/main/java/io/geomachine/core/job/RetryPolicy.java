package io.geomachine.core.job;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a task that failed with a retryable error is tried again: up to {@code maxRetries} more
 * times, each after an exponentially growing delay with jitter (so a burst of failures does not
 * come back as a burst).
 */
public record RetryPolicy(int maxRetries, Duration initialDelay, Duration maxDelay) {
  public static RetryPolicy defaults() {
    return new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofMinutes(5));
  }

  public boolean allowsRetry(int retriesSoFar) {
    return retriesSoFar < maxRetries;
  }

  /**
   * Delay before retry number {@code retryNumber} (0 for the first retry): {@code initialDelay ×
   * 2^retryNumber}, capped at {@code maxDelay}, then scaled by a random factor in [0.5, 1.0).
   */
  public Duration delayBefore(int retryNumber) {
    double base = initialDelay.toMillis() * Math.pow(2, Math.min(retryNumber, 30));
    double capped = Math.min(base, maxDelay.toMillis());
    double jittered = capped * (0.5 + ThreadLocalRandom.current().nextDouble() * 0.5);
    return Duration.ofMillis(Math.max(1, (long) Math.floor(jittered)));
  }
}
