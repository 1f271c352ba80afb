package io.geomachine.core.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The validation pass (seed 004 step 5): orphan checks that must all find nothing for the database
 * to be trusted. Each gives the number of orphans and a few samples.
 */
@JsonNaming(SnakeCaseStrategy.class)
public record ValidationReport(
    String database, boolean trusted, String checkedAt, List<ValidationReport.Orphans> checks) {

  @JsonNaming(SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Orphans(
      String name,
      String description,
      boolean passed,
      long count,
      List<Map<String, Object>> samples,
      String error) {}

  public Orphans check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }
}
