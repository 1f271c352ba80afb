package io.geomachine.core.model;

import java.util.Optional;
import java.util.function.Function;

/** Finds an enum constant by the name it has outside Java (in JSON, SQL, queue names). */
public final class WireNames {
  private WireNames() {}

  /** The constant of {@code values} whose {@code name} equals {@code wanted}; empty for null. */
  public static <E extends Enum<E>> Optional<E> find(
      E[] values, Function<E, String> name, String wanted) {
    for (E e : values) {
      if (name.apply(e).equals(wanted)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
