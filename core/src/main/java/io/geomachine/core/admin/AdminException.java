package io.geomachine.core.admin;

import java.util.Map;

/**
 * A step of an administration operation failed; its message goes into the step report as is, so it
 * says what failed and what to check. An optional detail (a failed verify report, the objects that
 * block a drop) goes with it.
 */
final class AdminException extends RuntimeException {
  private final transient Map<String, Object> detail;

  AdminException(String message) {
    this(message, null, null);
  }

  AdminException(String message, Throwable cause) {
    this(message, null, cause);
  }

  AdminException(String message, Map<String, Object> detail, Throwable cause) {
    super(message, cause);
    this.detail = detail;
  }

  Map<String, Object> detail() {
    return detail;
  }
}
