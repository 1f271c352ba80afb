package io.geomachine.gateway.admin;

import io.geomachine.core.admin.NukeMode;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import java.util.List;
import java.util.Map;

/**
 * The administration endpoints' query parameters. {@code confirm} is confirmed by {@code yes} only
 * (the seeds' contract); anything else, or nothing, is a refusal with the plan. A malformed {@code
 * backup} or {@code mode} is INVALID_QUERY naming it.
 */
final class AdminParams {
  private AdminParams() {}

  static boolean confirmed(String confirm) {
    return "yes".equals(confirm);
  }

  /** Back up first unless {@code backup=false} (or {@code no}). */
  static boolean backupFirst(String backup) {
    if (backup == null || backup.isBlank()) {
      return true;
    }
    return switch (backup.trim().toLowerCase()) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw invalid("backup", "must be true or false (got '" + backup + "')");
    };
  }

  static boolean flag(String name, String value) {
    if (value == null || value.isBlank()) {
      return false;
    }
    return switch (value.trim().toLowerCase()) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw invalid(name, "must be true or false (got '" + value + "')");
    };
  }

  static NukeMode mode(String mode) {
    NukeMode m = NukeMode.fromWireName(mode == null ? null : mode.trim());
    if (m == null) {
      throw invalid(
          "mode",
          "must be one of items, collections, all (got "
              + (mode == null ? "nothing" : "'" + mode + "'")
              + ")");
    }
    return m;
  }

  private static GeoMachineException invalid(String field, String message) {
    return new GeoMachineException(
        ErrorCode.INVALID_QUERY,
        field + ": " + message,
        List.of(new FieldError(field, message)),
        Map.of(),
        null);
  }
}
