package io.geomachine.core.messaging;

import io.vertx.core.json.JsonObject;

/** Reading fields of an incoming message, with a reason for every way it can be malformed. */
final class Messages {
  static final String SCHEMA_VERSION = "schema_version";

  private Messages() {}

  static void requireVersion(JsonObject json, String kind, int supported) {
    if (json == null) {
      throw new MessageFormatException(kind + ": empty message");
    }
    Object v = json.getValue(SCHEMA_VERSION);
    if (!(v instanceof Number n)) {
      throw new MessageFormatException(kind + ": missing schema_version");
    }
    if (n.doubleValue() != supported) {
      throw new MessageFormatException(
          kind + ": unsupported schema_version " + n + " (supported: " + supported + ")");
    }
  }

  static String text(JsonObject json, String kind, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new MessageFormatException(kind + ": field '" + field + "' must be a non-empty string");
    }
    return s;
  }

  static int positiveInt(JsonObject json, String kind, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || n.intValue() < 1 || n.doubleValue() != n.intValue()) {
      throw new MessageFormatException(kind + ": field '" + field + "' must be a positive integer");
    }
    return n.intValue();
  }
}
