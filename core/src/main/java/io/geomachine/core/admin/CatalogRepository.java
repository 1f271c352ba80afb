package io.geomachine.core.admin;

import static io.geomachine.core.schema.SqlText.ident;
import static io.geomachine.core.schema.SqlText.literal;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All SQL on the system catalogs: what exists (schemas, tables, functions, enums, roles), what
 * depends on what, and role and extension upkeep. Identifiers that reach DDL are quoted by {@code
 * SqlText}; they come from configuration and code, never from requests.
 */
final class CatalogRepository {

  Uni<Boolean> schemaExists(SqlClient c, String schema) {
    return c.preparedQuery("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS e")
        .execute(Tuple.of(schema))
        .map(rs -> rs.iterator().next().getBoolean("e"));
  }

  /** Tables (plain, partitioned and partitions) of a schema, by name. */
  Uni<List<String>> tables(SqlClient c, String schema) {
    return names(
        c, "SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1", schema);
  }

  Uni<List<String>> functions(SqlClient c, String schema) {
    return names(
        c,
        "SELECT DISTINCT p.proname AS name FROM pg_proc p"
            + " JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1 ORDER BY 1",
        schema);
  }

  Uni<List<String>> enums(SqlClient c, String schema) {
    return names(
        c,
        "SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE n.nspname = $1 AND t.typtype = 'e' ORDER BY 1",
        schema);
  }

  /** A generated column's expression, or null when the column is not generated (or missing). */
  Uni<String> generationExpression(SqlClient c, String schema, String table, String column) {
    return c.preparedQuery(
            "SELECT generation_expression AS g FROM information_schema.columns"
                + " WHERE table_schema = $1 AND table_name = $2 AND column_name = $3"
                + " AND is_generated = 'ALWAYS'")
        .execute(Tuple.of(schema, table, column))
        .map(rs -> rs.rowCount() == 0 ? null : rs.iterator().next().getString("g"));
  }

  /** Which of the given roles exist. */
  Uni<List<String>> existingRoles(SqlClient c, List<String> roles) {
    return c.preparedQuery(
            "SELECT rolname AS name FROM pg_roles WHERE rolname = ANY($1) ORDER BY 1")
        .execute(Tuple.of(roles.toArray(new String[0])))
        .map(CatalogRepository::nameList);
  }

  /** Whether {@code role} is a member of {@code group}, directly or through other roles. */
  Uni<Boolean> isMember(SqlClient c, String role, String group) {
    return c.preparedQuery(
            "SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = $1)"
                + " AND EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = $2)"
                + " AND pg_has_role($1, $2, 'MEMBER') AS m")
        .execute(Tuple.of(role, group))
        .map(rs -> Boolean.TRUE.equals(rs.iterator().next().getBoolean("m")));
  }

  /** Creates a NOLOGIN role unless it exists (also when another session creates it meanwhile). */
  Uni<Void> createRoleIfMissing(SqlClient c, String role) {
    return c.query(
            "DO $$ BEGIN CREATE ROLE "
                + ident(role)
                + " NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$")
        .execute()
        .replaceWithVoid();
  }

  Uni<Void> grantRole(SqlClient c, String group, String member) {
    return c.query("GRANT " + ident(group) + " TO " + ident(member)).execute().replaceWithVoid();
  }

  Uni<Void> dropSchema(SqlClient c, String schema) {
    return c.query("DROP SCHEMA IF EXISTS " + ident(schema) + " CASCADE")
        .execute()
        .replaceWithVoid();
  }

  /** The extensions pgstac needs (its migration creates them too; a restore needs them first). */
  Uni<Void> ensureExtensions(SqlClient c, List<String> extensions) {
    Uni<Void> chain = Uni.createFrom().voidItem();
    for (String ext : extensions) {
      chain =
          chain.chain(
              () ->
                  c.query("CREATE EXTENSION IF NOT EXISTS " + ident(ext))
                      .execute()
                      .replaceWithVoid());
    }
    return chain;
  }

  /** Exact row counts of the given tables of one schema (for plans). */
  Uni<Map<String, Long>> rowCounts(SqlClient c, String schema, List<String> tables) {
    if (tables.isEmpty()) {
      return Uni.createFrom().item(Map.of());
    }
    List<String> parts = new ArrayList<>();
    for (String t : tables) {
      parts.add(
          "SELECT "
              + literal(t)
              + " AS name, count(*) AS n FROM "
              + ident(schema)
              + "."
              + ident(t));
    }
    return c.query(String.join(" UNION ALL ", parts))
        .execute()
        .map(
            rs -> {
              Map<String, Long> out = new LinkedHashMap<>();
              rs.forEach(r -> out.put(r.getString("name"), r.getLong("n")));
              return out;
            });
  }

  /**
   * Objects outside {@code schemas} that depend on objects inside them: views, foreign keys,
   * columns of their types, triggers, defaults. {@code DROP SCHEMA … CASCADE} would silently drop
   * or alter those, so a drop is refused while any exist.
   */
  Uni<List<Map<String, Object>>> dependentsOutside(SqlClient c, List<String> schemas) {
    return c.preparedQuery(DEPENDENTS_SQL)
        .execute(Tuple.of(schemas.toArray(new String[0])))
        .map(
            rs -> {
              List<Map<String, Object>> out = new ArrayList<>();
              for (Row r : rs) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("object_type", r.getString("object_type"));
                m.put("object", r.getString("object"));
                m.put("depends_on", r.getString("depends_on"));
                out.add(m);
              }
              return out;
            });
  }

  /**
   * A fingerprint of the structure of geo and h3 (every table's columns and types, the register
   * geo.table_metadata aside, which bootstrap may create): administration compares it before and
   * after, to prove it left user data alone.
   */
  Uni<String> userSchemasFingerprint(SqlClient c) {
    return c.query(
            "SELECT count(DISTINCT (table_schema, table_name)) || ' tables, md5 ' || md5(coalesce("
                + "string_agg(format('%s.%s.%s:%s', table_schema, table_name, column_name,"
                + " data_type), ',' ORDER BY table_schema, table_name, ordinal_position), '')) AS fp"
                + " FROM information_schema.columns WHERE table_schema IN ('geo', 'h3')"
                + " AND NOT (table_schema = 'geo' AND table_name = 'table_metadata')")
        .execute()
        .map(rs -> rs.iterator().next().getString("fp"));
  }

  private static final String NS_OF_OBJECT =
      "CASE d.classid"
          + " WHEN 'pg_class'::regclass THEN (SELECT relnamespace FROM pg_class WHERE oid = d.objid)"
          + " WHEN 'pg_type'::regclass THEN (SELECT typnamespace FROM pg_type WHERE oid = d.objid)"
          + " WHEN 'pg_proc'::regclass THEN (SELECT pronamespace FROM pg_proc WHERE oid = d.objid)"
          + " WHEN 'pg_constraint'::regclass THEN"
          + "   (SELECT connamespace FROM pg_constraint WHERE oid = d.objid)"
          + " WHEN 'pg_rewrite'::regclass THEN (SELECT c.relnamespace FROM pg_rewrite r"
          + "   JOIN pg_class c ON c.oid = r.ev_class WHERE r.oid = d.objid)"
          + " WHEN 'pg_trigger'::regclass THEN (SELECT c.relnamespace FROM pg_trigger t"
          + "   JOIN pg_class c ON c.oid = t.tgrelid WHERE t.oid = d.objid)"
          + " WHEN 'pg_attrdef'::regclass THEN (SELECT c.relnamespace FROM pg_attrdef a"
          + "   JOIN pg_class c ON c.oid = a.adrelid WHERE a.oid = d.objid)"
          + " WHEN 'pg_policy'::regclass THEN (SELECT c.relnamespace FROM pg_policy p"
          + "   JOIN pg_class c ON c.oid = p.polrelid WHERE p.oid = d.objid)"
          + " END";

  private static final String DEPENDENTS_SQL =
      "WITH dep AS (SELECT d.classid, d.objid, d.objsubid, d.refclassid, d.refobjid,"
          + " d.refobjsubid, "
          + NS_OF_OBJECT
          + " AS obj_ns, "
          + NS_OF_OBJECT.replace("d.objid", "d.refobjid").replace("d.classid", "d.refclassid")
          + " AS ref_ns FROM pg_depend d WHERE d.deptype IN ('n', 'a'))"
          + " SELECT DISTINCT"
          + " (pg_identify_object(dep.classid, dep.objid, dep.objsubid)).type AS object_type,"
          + " (pg_identify_object(dep.classid, dep.objid, dep.objsubid)).identity AS object,"
          + " (pg_identify_object(dep.refclassid, dep.refobjid, dep.refobjsubid)).identity"
          + " AS depends_on"
          + " FROM dep JOIN pg_namespace rn ON rn.oid = dep.ref_ns"
          + " JOIN pg_namespace obn ON obn.oid = dep.obj_ns"
          + " WHERE rn.nspname = ANY($1) AND NOT obn.nspname = ANY($1)"
          + " ORDER BY 2, 3";

  private static Uni<List<String>> names(SqlClient c, String sql, String arg) {
    return c.preparedQuery(sql).execute(Tuple.of(arg)).map(CatalogRepository::nameList);
  }

  private static List<String> nameList(RowSet<Row> rs) {
    List<String> out = new ArrayList<>();
    rs.forEach(r -> out.add(r.getString("name")));
    return out;
  }
}
