package io.geomachine.core.job;

import java.util.Locale;

/** The JSON types a job parameter may take. */
public enum ParamType {
  STRING,
  INTEGER,
  NUMBER,
  BOOLEAN,
  STRING_LIST,
  OBJECT;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
