package io.geomachine.core.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** The checks of seed 000 step 6, each with what was expected and what was found. */
@JsonNaming(SnakeCaseStrategy.class)
public record VerifyReport(
    String database, boolean passed, String checkedAt, List<VerifyReport.Check> checks) {

  @JsonNaming(SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Check(String name, boolean passed, Object expected, Object actual, String error) {}

  public Check check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /** The failed checks' names. */
  public List<String> failed() {
    return checks.stream().filter(c -> !c.passed()).map(Check::name).toList();
  }
}
