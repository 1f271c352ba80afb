package io.geomachine.core.schema;

import static io.geomachine.core.schema.SqlText.ident;
import static io.geomachine.core.schema.SqlText.literal;
import static io.geomachine.core.schema.SqlText.qualified;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the model classes listed in {@link AppSchema} into the DDL of the {@code app} schema.
 *
 * <p>Every statement is idempotent ({@code IF NOT EXISTS}, {@code CREATE OR REPLACE}, enum creation
 * that tolerates an existing type), so deploying twice converges, and nothing here drops data.
 * Identifiers are quoted by {@link SqlText}; the only raw SQL fragments are developer-written
 * annotation values (defaults, predicates) and the function bodies.
 */
public final class AppSchemaGenerator {
  private final String schema;

  public AppSchemaGenerator() {
    this(AppSchema.SCHEMA);
  }

  AppSchemaGenerator(String schema) {
    this.schema = schema;
  }

  /** All statements, in order. */
  public List<String> statements() {
    List<String> out = new ArrayList<>();
    out.add("CREATE SCHEMA IF NOT EXISTS " + ident(schema));
    for (Class<? extends Enum<?>> e : AppSchema.ENUMS) {
      out.addAll(enumStatements(e));
    }
    for (Class<? extends Record> t : AppSchema.TABLES) {
      out.add(createTable(t));
      out.add(addMissingColumns(t));
    }
    for (Class<? extends Record> t : AppSchema.TABLES) {
      out.addAll(indexes(t));
    }
    for (String file : AppSchema.FUNCTION_FILES) {
      out.add(functionFromResource(file));
    }
    for (Class<? extends Record> t : AppSchema.TABLES) {
      out.addAll(triggers(t));
    }
    return out;
  }

  /** The whole DDL as one script, the way a DBA applies it with psql. */
  public String script() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "-- GeoMachine app schema, generated from the Java model (io.geomachine.core.model).\n");
    sb.append(
        "-- Idempotent: safe to apply to an empty database or to one that already has it.\n\n");
    for (String s : statements()) {
      sb.append(s).append(";\n\n");
    }
    return sb.toString();
  }

  public static String tableName(Class<? extends Record> model) {
    Table t = model.getAnnotation(Table.class);
    if (t == null) {
      throw new IllegalArgumentException(model + " is not annotated with @Table");
    }
    return t.value();
  }

  public static String columnName(RecordComponent rc) {
    Column c = rc.getAnnotation(Column.class);
    return c != null && !c.name().isEmpty() ? c.name() : SqlText.snakeCase(rc.getName());
  }

  /** Column names of a table model, in declaration order. */
  public static List<String> columnNames(Class<? extends Record> model) {
    return Arrays.stream(model.getRecordComponents())
        .map(AppSchemaGenerator::columnName)
        .collect(Collectors.toList());
  }

  private List<String> enumStatements(Class<? extends Enum<?>> e) {
    String type = qualified(schema, pgEnumName(e));
    List<String> all = enumLabels(e);
    String labels = all.stream().map(SqlText::literal).collect(Collectors.joining(", "));
    List<String> out = new ArrayList<>();
    out.add(
        "DO $$ BEGIN CREATE TYPE "
            + type
            + " AS ENUM ("
            + labels
            + "); EXCEPTION WHEN duplicate_object THEN NULL; END $$");
    // Upgrades in place: a label added to the model reaches an existing type, in model order.
    for (int i = 1; i < all.size(); i++) {
      out.add(
          "ALTER TYPE "
              + type
              + " ADD VALUE IF NOT EXISTS "
              + SqlText.literal(all.get(i))
              + " AFTER "
              + SqlText.literal(all.get(i - 1)));
    }
    return out;
  }

  static String pgEnumName(Class<?> e) {
    PgEnum pg = e.getAnnotation(PgEnum.class);
    if (pg == null) {
      throw new IllegalArgumentException(e + " is not annotated with @PgEnum");
    }
    return pg.value();
  }

  static List<String> enumLabels(Class<? extends Enum<?>> e) {
    return Arrays.stream(e.getEnumConstants())
        .map(c -> ((SqlValue) c).sqlValue())
        .collect(Collectors.toList());
  }

  private String createTable(Class<? extends Record> model) {
    String table = tableName(model);
    List<String> lines = new ArrayList<>();
    List<String> pk = new ArrayList<>();
    List<String> fks = new ArrayList<>();
    for (RecordComponent rc : model.getRecordComponents()) {
      Column c = rc.getAnnotation(Column.class);
      if (c == null) {
        throw new IllegalArgumentException(model + "." + rc.getName() + " has no @Column");
      }
      String name = columnName(rc);
      StringBuilder line = new StringBuilder("    ").append(ident(name)).append(' ');
      line.append(sqlType(rc, c));
      if (!c.nullable()) {
        line.append(" NOT NULL");
      }
      if (!c.defaultValue().isEmpty()) {
        line.append(" DEFAULT ").append(defaultExpression(rc, c));
      }
      lines.add(line.toString());
      if (c.primaryKey()) {
        pk.add(ident(name));
      }
      if (!c.referencesTable().isEmpty()) {
        fks.add(
            "    FOREIGN KEY ("
                + ident(name)
                + ") REFERENCES "
                + qualified(schema, c.referencesTable())
                + " ("
                + ident(c.referencesColumn())
                + ") ON DELETE CASCADE");
      }
    }
    if (!pk.isEmpty()) {
      lines.add("    PRIMARY KEY (" + String.join(", ", pk) + ")");
    }
    lines.addAll(fks);
    for (Check check : model.getAnnotationsByType(Check.class)) {
      lines.add("    CONSTRAINT " + ident(check.name()) + " CHECK (" + check.expression() + ")");
    }
    return "CREATE TABLE IF NOT EXISTS "
        + qualified(schema, table)
        + " (\n"
        + String.join(",\n", lines)
        + "\n)";
  }

  /**
   * Brings a table created by an older model up to date: every column the model has gets {@code ADD
   * COLUMN IF NOT EXISTS} (a no-op on a fresh table), so redeploying converges after a column is
   * added to the model.
   */
  private String addMissingColumns(Class<? extends Record> model) {
    List<String> clauses = new ArrayList<>();
    for (RecordComponent rc : model.getRecordComponents()) {
      Column c = rc.getAnnotation(Column.class);
      if (c.primaryKey()) {
        continue;
      }
      StringBuilder clause =
          new StringBuilder("    ADD COLUMN IF NOT EXISTS ")
              .append(ident(columnName(rc)))
              .append(' ')
              .append(sqlType(rc, c));
      if (!c.nullable()) {
        clause.append(" NOT NULL");
      }
      if (!c.defaultValue().isEmpty()) {
        clause.append(" DEFAULT ").append(defaultExpression(rc, c));
      }
      clauses.add(clause.toString());
    }
    return "ALTER TABLE "
        + qualified(schema, tableName(model))
        + "\n"
        + String.join(",\n", clauses);
  }

  private String sqlType(RecordComponent rc, Column c) {
    if (!c.type().isEmpty()) {
      return c.type();
    }
    Class<?> type = rc.getType();
    if (type.isEnum()) {
      return qualified(schema, pgEnumName(type));
    }
    String sql = SqlTypes.forJavaType(type);
    if (sql == null) {
      throw new IllegalArgumentException(
          "no SQL type for " + type + " (" + rc.getName() + "); set @Column(type=...)");
    }
    return sql;
  }

  private String defaultExpression(RecordComponent rc, Column c) {
    if (rc.getType().isEnum()) {
      return literal(c.defaultValue()) + "::" + qualified(schema, pgEnumName(rc.getType()));
    }
    return c.defaultValue();
  }

  private List<String> indexes(Class<? extends Record> model) {
    String table = tableName(model);
    List<String> out = new ArrayList<>();
    for (Index index : model.getAnnotationsByType(Index.class)) {
      String cols =
          Arrays.stream(index.columns())
              .map(
                  spec -> {
                    String[] parts = spec.trim().split("\\s+");
                    String col = ident(parts[0]);
                    if (parts.length == 2 && parts[1].equalsIgnoreCase("DESC")) {
                      return col + " DESC";
                    }
                    if (parts.length != 1) {
                      throw new IllegalArgumentException("bad index column spec: " + spec);
                    }
                    return col;
                  })
              .collect(Collectors.joining(", "));
      String sql =
          "CREATE INDEX IF NOT EXISTS "
              + ident(index.name())
              + " ON "
              + qualified(schema, table)
              + " ("
              + cols
              + ")";
      if (!index.where().isEmpty()) {
        sql += " WHERE " + index.where();
      }
      out.add(sql);
    }
    return out;
  }

  private List<String> triggers(Class<? extends Record> model) {
    String table = tableName(model);
    List<String> out = new ArrayList<>();
    if (model.isAnnotationPresent(UpdatedAtTrigger.class)) {
      String name = "update_" + table + "_updated_at";
      out.add("DROP TRIGGER IF EXISTS " + ident(name) + " ON " + qualified(schema, table));
      out.add(
          "CREATE TRIGGER "
              + ident(name)
              + "\n    BEFORE UPDATE ON "
              + qualified(schema, table)
              + "\n    FOR EACH ROW\n    EXECUTE FUNCTION "
              + qualified(schema, "update_updated_at_column")
              + "()");
    }
    for (RecordComponent rc : model.getRecordComponents()) {
      if (StateMachine.class.isAssignableFrom(rc.getType())) {
        out.addAll(transitionGuard(table, columnName(rc), rc.getType()));
      }
    }
    return out;
  }

  /**
   * A trigger that rejects, with SQLSTATE {@value #ILLEGAL_TRANSITION_SQLSTATE}, every status
   * change the Java state machine does not declare.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private List<String> transitionGuard(String table, String column, Class<?> enumType) {
    Map<String, Set<String>> allowed = new java.util.LinkedHashMap<>();
    for (Object constant : enumType.getEnumConstants()) {
      StateMachine<?> s = (StateMachine<?>) constant;
      allowed.put(
          s.sqlValue(),
          ((Set<? extends SqlValue>) (Set) s.allowedNext())
              .stream()
                  .map(SqlValue::sqlValue)
                  .collect(Collectors.toCollection(java.util.TreeSet::new)));
    }
    String pairs =
        allowed.entrySet().stream()
            .flatMap(
                e ->
                    e.getValue().stream()
                        .map(to -> "(" + literal(e.getKey()) + ", " + literal(to) + ")"))
            .collect(Collectors.joining(",\n            "));
    String function = "enforce_" + table + "_" + column + "_transition";
    String trigger = function;
    String col = ident(column);
    List<String> out = new ArrayList<>();
    out.add(
        "CREATE OR REPLACE FUNCTION "
            + qualified(schema, function)
            + "()\nRETURNS TRIGGER\nLANGUAGE plpgsql\nAS $$\nBEGIN\n"
            + "    IF NEW."
            + col
            + " IS DISTINCT FROM OLD."
            + col
            + " AND (OLD."
            + col
            + "::text, NEW."
            + col
            + "::text) NOT IN (\n            "
            + pairs
            + ") THEN\n"
            + "        RAISE EXCEPTION USING ERRCODE = "
            + literal(ILLEGAL_TRANSITION_SQLSTATE)
            + ",\n            MESSAGE = format('illegal "
            + table
            + " status transition %s -> %s', OLD."
            + col
            + ", NEW."
            + col
            + ");\n    END IF;\n    RETURN NEW;\nEND;\n$$");
    out.add("DROP TRIGGER IF EXISTS " + ident(trigger) + " ON " + qualified(schema, table));
    out.add(
        "CREATE TRIGGER "
            + ident(trigger)
            + "\n    BEFORE UPDATE OF "
            + col
            + " ON "
            + qualified(schema, table)
            + "\n    FOR EACH ROW\n    EXECUTE FUNCTION "
            + qualified(schema, function)
            + "()");
    return out;
  }

  /** SQLSTATE raised by the transition guards; translated to a domain error by the repositories. */
  public static final String ILLEGAL_TRANSITION_SQLSTATE = "GM001";

  private static String functionFromResource(String file) {
    try (InputStream in = AppSchemaGenerator.class.getResourceAsStream("functions/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing function resource " + file);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip().replaceAll(";\\s*$", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
