package io.geomachine.core.schema;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Keeps the table's {@code updated_at} current with a BEFORE UPDATE trigger named {@code
 * update_<table>_updated_at} that runs {@code app.update_updated_at_column()}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface UpdatedAtTrigger {}
