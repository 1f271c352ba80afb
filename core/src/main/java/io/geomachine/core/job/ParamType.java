package io.geomachine.core.job;

import java.util.Locale;

/** The JSON types a job parameter may take. */
public enum ParamType {
  STRING,
  INTEGER,
  NUMBER,
  BOOLEAN,
  STRING_LIST,
  /** A JSON array of any values (e.g. a list of objects), checked by the parameter's own check. */
  LIST,
  OBJECT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
