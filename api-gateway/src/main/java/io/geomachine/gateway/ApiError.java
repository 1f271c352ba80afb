package io.geomachine.gateway;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The one JSON error shape of the API: {@code {"error": {"code", "message", "status", "fields",
 * "details"}}}. {@code code} is an {@link ErrorCode} name, stable for clients to match on.
 */
@Schema(name = "ErrorResponse", description = "Every error the API returns has this shape.")
public record ApiError(Body error) {

  @Schema(name = "Error")
  public record Body(
      @Schema(
              description = "Stable error code, e.g. INVALID_PARAMETERS",
              example = "INVALID_PARAMETERS")
          String code,
      @Schema(
              description = "What went wrong, for people",
              example = "n: must be at most 1000 (got 5000)")
          String message,
      @Schema(description = "The HTTP status, repeated", example = "400") int status,
      @Schema(description = "Field-level problems (parameters, query parameters); may be empty")
          List<FieldError> fields,
      @Schema(description = "Extra context, e.g. valid_job_types for UNKNOWN_JOB_TYPE")
          Map<String, Object> details) {}

  public static ApiError of(
      ErrorCode code, String message, List<FieldError> fields, Map<String, Object> details) {
    return new ApiError(new Body(code.name(), message, code.httpStatus(), fields, details));
  }

  public static ApiError of(ErrorCode code, String message) {
    return of(code, message, List.of(), Map.of());
  }
}
