package io.geomachine.core.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;

/**
 * One step of an operation: {@code ok}, {@code failed} (with the error) or {@code skipped} (not
 * run, with the reason: an earlier step failed, it was not asked for, or there was nothing to do).
 */
@JsonNaming(SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepResult(
    String name,
    String status,
    long durationMs,
    String reason,
    String error,
    Map<String, Object> detail) {
  public static final String OK = "ok";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
}
