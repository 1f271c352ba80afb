package io.geomachine.core.error;

/**
 * The one table of errors: every error the platform reports has a stable code and an HTTP status.
 * Clients match on the code; the message is for people.
 */
public enum ErrorCode {
  INVALID_PARAMETERS(400, "One or more parameters are invalid"),
  MALFORMED_JSON(400, "The request body is not valid JSON"),
  MALFORMED_JOB_ID(400, "A job id is 64 lower-case hexadecimal characters"),
  INVALID_QUERY(400, "A query parameter is invalid"),
  BAD_REQUEST(400, "The request is invalid"),
  CONFIRMATION_REQUIRED(400, "This operation is destructive and needs confirm=yes"),
  UNKNOWN_JOB_TYPE(404, "No job definition has that name"),
  JOB_NOT_FOUND(404, "No job has that id"),
  NOT_FOUND(404, "Not found"),
  METHOD_NOT_ALLOWED(405, "Method not allowed"),
  NOT_ACCEPTABLE(406, "The requested media type cannot be produced"),
  INVALID_STATE(409, "The resource is not in a state that allows this"),
  OPERATION_IN_PROGRESS(409, "Another schema administration operation is running"),
  PAYLOAD_TOO_LARGE(413, "The request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "The request body must be application/json"),
  STORE_UNAVAILABLE(503, "The database is unavailable"),
  BROKER_UNAVAILABLE(503, "The message broker is unavailable"),
  BLOB_STORE_UNAVAILABLE(503, "Blob storage is unavailable"),
  OPERATION_FAILED(500, "A schema administration step failed; details.report says which"),
  INTERNAL_ERROR(500, "Internal error"),
  /*
   * Why the platform itself failed a job or a task: recorded in its error_details as
   * "CODE: detail" (describe), never an HTTP response of their own.
   */
  STALE_JOB(500, "The job was not finished within the stale horizon; the janitor failed it"),
  UNREADABLE_MESSAGE(500, "A message naming this task or job could not be read; it was failed");

  private final int httpStatus;
  private final String title;

  ErrorCode(int httpStatus, String title) {
    this.httpStatus = httpStatus;
    this.title = title;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public String title() {
    return title;
  }

  /** {@code CODE: detail}, the form a job's or task's error_details takes. */
  public String describe(String detail) {
    return name() + ": " + detail;
  }
}
