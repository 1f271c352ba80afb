package io.geomachine.gateway;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Parses query parameters, collecting every problem so one INVALID_QUERY response names all the
 * offending parameters. Query parameters arrive as strings on purpose: JAX-RS would answer a
 * non-numeric {@code limit} with a bare 404 instead.
 */
final class QueryParams {
  private final List<FieldError> problems = new ArrayList<>();

  /** An enum value by its wire name, or null when absent. */
  <E extends Enum<E>> E oneOf(String name, String raw, E[] values, Function<E, String> wireName) {
    if (isAbsent(raw)) {
      return null;
    }
    for (E value : values) {
      if (wireName.apply(value).equals(raw.trim())) {
        return value;
      }
    }
    problems.add(
        new FieldError(
            name,
            "must be one of "
                + String.join(", ", Arrays.stream(values).map(wireName).toList())
                + " (got '"
                + raw
                + "')"));
    return null;
  }

  /** An integer in [min, max], the fallback when absent. */
  int integer(String name, String raw, int fallback, int min, int max) {
    Integer value = optionalInteger(name, raw, min, max);
    return value == null ? fallback : value;
  }

  /** An integer in [min, max], or null when absent. */
  Integer optionalInteger(String name, String raw, int min, int max) {
    if (isAbsent(raw)) {
      return null;
    }
    try {
      long value = Long.parseLong(raw.trim());
      if (value >= min && value <= max) {
        return (int) value;
      }
    } catch (NumberFormatException e) {
      // reported below, with the range
    }
    problems.add(
        new FieldError(
            name, "must be an integer from " + min + " to " + max + " (got '" + raw + "')"));
    return null;
  }

  /**
   * A point in time, as UTC (the zone of the database's timestamps): a date ({@code 2026-01-31},
   * its start), a date-time without offset (taken as UTC) or with one ({@code …Z}, {@code
   * …+02:00}).
   */
  LocalDateTime instant(String name, String raw) {
    if (isAbsent(raw)) {
      return null;
    }
    String text = raw.trim();
    try {
      return OffsetDateTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime();
    } catch (DateTimeParseException notWithOffset) {
      try {
        return LocalDateTime.parse(text);
      } catch (DateTimeParseException notLocal) {
        try {
          return LocalDate.parse(text).atStartOfDay();
        } catch (DateTimeParseException notDate) {
          problems.add(
              new FieldError(
                  name,
                  "must be an ISO-8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z"
                      + " (got '"
                      + raw
                      + "')"));
          return null;
        }
      }
    }
  }

  /** Throws INVALID_QUERY naming every bad parameter, if there was one. */
  /** Records that a required parameter is missing. */
  void missing(String name, String message) {
    problems.add(new FieldError(name, message));
  }

  void requireValid() {
    if (problems.isEmpty()) {
      return;
    }
    String message =
        problems.size() == 1
            ? problems.get(0).field() + ": " + problems.get(0).message()
            : problems.size() + " query parameters are invalid";
    throw new GeoMachineException(ErrorCode.INVALID_QUERY, message, problems, Map.of(), null);
  }

  private static boolean isAbsent(String raw) {
    return raw == null || raw.isBlank();
  }
}
