package io.geomachine.core.schema;

/**
 * Prints the full {@code app} DDL to standard output, for a DBA to review or apply by hand:
 *
 * <pre>./platform ddl | psql -v ON_ERROR_STOP=1 --single-transaction</pre>
 */
public final class AppSchemaDdl {
  private AppSchemaDdl() {}

  public static void main(String[] args) {
    System.out.print(new AppSchemaGenerator().script());
  }
}
