package io.geomachine.worker.vector.prepare;

/** OGR field types to PostgreSQL column types, as faithfully as PostgreSQL allows. */
public final class PgTypes {
  private PgTypes() {}

  /**
   * The PostgreSQL type for an OGR field.
   *
   * @param ogrType the OGR type name ({@code Integer}, {@code Integer64}, {@code Real}, {@code
   *     String}, {@code Date}, {@code DateTime}, {@code Time}, {@code Binary}, or a {@code
   *     ...List})
   * @param subtype the OGR subtype name ({@code None}, {@code Boolean}, {@code Int16}, {@code
   *     Float32}, {@code JSON}, {@code UUID})
   */
  public static String of(String ogrType, String subtype) {
    boolean list = ogrType.endsWith("List");
    String base = list ? ogrType.substring(0, ogrType.length() - 4) : ogrType;
    String pg =
        switch (base) {
          case "Integer" ->
              switch (subtype) {
                case "Boolean" -> "boolean";
                case "Int16" -> "smallint";
                default -> "integer";
              };
          case "Integer64" -> "bigint";
          case "Real" -> "Float32".equals(subtype) ? "real" : "double precision";
          case "Date" -> "date";
          case "DateTime" -> "timestamp with time zone";
          case "Time" -> "time";
          case "Binary" -> "bytea";
          default -> "text";
        };
    return list ? pg + "[]" : pg;
  }

  /** Whether GDAL writes the type's values with '/' date separators (PGDUMP: 2024/01/31). */
  public static boolean isDateLike(String pgType) {
    return pgType.startsWith("date") || pgType.startsWith("timestamp");
  }
}
