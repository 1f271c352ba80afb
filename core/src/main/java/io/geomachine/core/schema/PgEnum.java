package io.geomachine.core.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Java enum as a PostgreSQL enum type in the {@code app} schema. The constants' {@link
 * SqlValue} (or their lower-cased names) are the enum's labels, in declaration order.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface PgEnum {
  /** The type name, without schema. */
  String value();
}
