package io.geomachine.core.error;

import java.util.List;
import java.util.Map;

/**
 * A domain error with its {@link ErrorCode}. Field errors and details are optional extra context
 * (the valid job types for an unknown one, the plan of a refused destructive operation, ...).
 */
public class GeoMachineException extends RuntimeException {
  private final ErrorCode code;
  private final List<FieldError> fieldErrors;
  private final Map<String, Object> details;

  public GeoMachineException(ErrorCode code, String message) {
    this(code, message, List.of(), Map.of(), null);
  }

  public GeoMachineException(
      ErrorCode code,
      String message,
      List<FieldError> fieldErrors,
      Map<String, Object> details,
      Throwable cause) {
    super(message, cause);
    this.code = code;
    this.fieldErrors = List.copyOf(fieldErrors);
    this.details = Map.copyOf(details);
  }

  public static GeoMachineException invalidParameters(List<FieldError> errors) {
    String summary =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " parameters are invalid";
    return new GeoMachineException(ErrorCode.INVALID_PARAMETERS, summary, errors, Map.of(), null);
  }

  public ErrorCode code() {
    return code;
  }

  public List<FieldError> fieldErrors() {
    return fieldErrors;
  }

  public Map<String, Object> details() {
    return details;
  }
}
