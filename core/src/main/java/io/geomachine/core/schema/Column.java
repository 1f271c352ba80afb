package io.geomachine.core.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes the column a record component maps to. The name defaults to the component name in
 * snake_case; the SQL type defaults to the one for the Java type ({@link SqlTypes}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.RECORD_COMPONENT)
public @interface Column {
  String name() default "";

  /** SQL type; empty means derived from the Java type. */
  String type() default "";

  boolean nullable() default false;

  boolean primaryKey() default false;

  /**
   * Default as an SQL expression written by a developer (never user input). For a column of a
   * {@link PgEnum} type it is the label, and the generator adds the cast.
   */
  String defaultValue() default "";

  /** Table this column references (same schema), with ON DELETE CASCADE. Empty for none. */
  String referencesTable() default "";

  String referencesColumn() default "";
}
