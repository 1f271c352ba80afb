package io.geomachine.core.admin;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * What an operation did, step by step: which steps ran, which failed and which were skipped. When a
 * step fails the operation stops there, so {@code failed_step} and the steps after it tell an
 * operator exactly where a re-run picks up.
 */
@JsonNaming(SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationReport(
    String operation,
    boolean destructive,
    String database,
    String status,
    String startedAt,
    long durationMs,
    String failedStep,
    String error,
    List<StepResult> steps,
    Map<String, Object> result) {
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";

  @JsonIgnore
  public boolean succeeded() {
    return SUCCEEDED.equals(status);
  }

  /** The step of that name, or null. */
  public StepResult step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }
}
