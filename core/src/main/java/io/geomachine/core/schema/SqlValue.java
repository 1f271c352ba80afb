package io.geomachine.core.schema;

/** A Java value that has one stable label in SQL (enum labels, status values in messages). */
public interface SqlValue {
  String sqlValue();
}
