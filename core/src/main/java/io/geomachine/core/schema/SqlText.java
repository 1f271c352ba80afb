package io.geomachine.core.schema;

import java.util.regex.Pattern;

/**
 * Composes SQL text safely. Identifiers are always double-quoted (and must be plain identifiers);
 * literals are single-quoted with quotes doubled. Values a user sends never go through here: they
 * are bound as parameters.
 */
public final class SqlText {
  private static final Pattern PLAIN_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private SqlText() {}

  /** A quoted identifier; rejects anything but lower-case letters, digits and underscores. */
  public static String ident(String name) {
    if (name == null || !PLAIN_IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException("not a plain SQL identifier: " + name);
    }
    return '"' + name + '"';
  }

  /** A schema-qualified quoted identifier. */
  public static String qualified(String schema, String name) {
    return ident(schema) + "." + ident(name);
  }

  /** A quoted string literal. */
  public static String literal(String value) {
    if (value.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("NUL character in SQL literal");
    }
    return "'" + value.replace("'", "''") + "'";
  }

  /** {@code camelCase} to {@code snake_case}. */
  public static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 8);
    for (char c : camel.toCharArray()) {
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
