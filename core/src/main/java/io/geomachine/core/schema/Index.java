package io.geomachine.core.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An index on a {@link Table}. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(Index.List.class)
public @interface Index {
  String name();

  /** Column names, each optionally followed by {@code " DESC"}. */
  String[] columns();

  /** Optional partial-index predicate (a developer-written SQL expression). */
  String where() default "";

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @interface List {
    Index[] value();
  }
}
