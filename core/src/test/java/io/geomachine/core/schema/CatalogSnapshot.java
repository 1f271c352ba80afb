package io.geomachine.core.schema;

import io.geomachine.core.testing.Sql;
import io.vertx.mutiny.sqlclient.Pool;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the {@code app} schema of a database is made of, read from the catalog, as sorted {@code
 * "kind name" -> description} entries (white space normalised), so two databases compare with
 * {@code equals} and differ with a readable {@link #diff}.
 */
record CatalogSnapshot(SortedMap<String, String> entries) {

  private static final String QUERY =
      String.join(
          "\nUNION ALL ",
          List.of(
              "SELECT 'relation ' || c.relname, c.relkind::text FROM pg_class c"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname = 'app' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')",
              "SELECT 'column ' || table_name || '.' || column_name,"
                  + " concat_ws(' | ', '#' || ordinal_position, data_type,"
                  + " 'len=' || coalesce(character_maximum_length::text, '-'),"
                  + " 'udt=' || udt_schema || '.' || udt_name, 'nullable=' || is_nullable,"
                  + " 'default=' || coalesce(column_default, '-'), 'identity=' || is_identity)"
                  + " FROM information_schema.columns WHERE table_schema = 'app'",
              "SELECT 'enum ' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)"
                  + " FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid"
                  + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'app'"
                  + " GROUP BY t.typname",
              "SELECT 'index ' || tablename || '.' || indexname, indexdef FROM pg_indexes"
                  + " WHERE schemaname = 'app'",
              "SELECT 'constraint ' || r.relname || '.' || k.conname,"
                  + " k.contype::text || ': ' || pg_get_constraintdef(k.oid)"
                  + " FROM pg_constraint k JOIN pg_class r ON r.oid = k.conrelid"
                  + " JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = 'app'",
              "SELECT 'function ' || p.proname || ' arguments', pg_get_function_arguments(p.oid)"
                  + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                  + " WHERE n.nspname = 'app'",
              "SELECT 'function ' || p.proname || ' result', pg_get_function_result(p.oid)"
                  + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                  + " WHERE n.nspname = 'app'",
              "SELECT 'function ' || p.proname || ' kind', l.lanname || ' volatility='"
                  + " || p.provolatile::text || ' strict=' || p.proisstrict::text"
                  + " || ' security_definer=' || p.prosecdef::text || ' set=' || p.proretset::text"
                  + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                  + " JOIN pg_language l ON l.oid = p.prolang WHERE n.nspname = 'app'",
              "SELECT 'trigger ' || c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid)"
                  + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                  + " WHERE n.nspname = 'app' AND NOT t.tgisinternal"));

  static CatalogSnapshot of(Pool pool) {
    SortedMap<String, String> entries = new TreeMap<>();
    Sql.await(
            pool.withConnection(
                c -> c.query("RESET search_path").execute().chain(() -> c.query(QUERY).execute())))
        .forEach(
            r -> {
              String key = r.getString(0);
              String value = normalise(r.getString(1));
              if (entries.put(key, value) != null) {
                throw new IllegalStateException("two catalog entries named " + key);
              }
            });
    return new CatalogSnapshot(entries);
  }

  static String normalise(String s) {
    return s == null ? "" : s.replaceAll("\\s+", " ").trim();
  }

  /** Keys of one kind ("enum", "index", ...), without the kind. */
  Set<String> names(String kind) {
    Set<String> out = new TreeSet<>();
    entries.keySet().stream()
        .filter(k -> k.startsWith(kind + " "))
        .forEach(k -> out.add(k.substring(kind.length() + 1)));
    return out;
  }

  String get(String key) {
    return entries.get(key);
  }

  /** Differences from {@code base} to this snapshot, as "+ key", "- key" and "~ key" lines. */
  Diff diff(CatalogSnapshot base) {
    Set<String> added = new LinkedHashSet<>();
    Set<String> removed = new LinkedHashSet<>();
    Map<String, String[]> changed = new TreeMap<>();
    for (Map.Entry<String, String> e : entries.entrySet()) {
      String old = base.entries.get(e.getKey());
      if (old == null) {
        added.add(e.getKey());
      } else if (!Objects.equals(old, e.getValue())) {
        changed.put(e.getKey(), new String[] {old, e.getValue()});
      }
    }
    for (String k : base.entries.keySet()) {
      if (!entries.containsKey(k)) {
        removed.add(k);
      }
    }
    return new Diff(base, this, added, removed, changed);
  }

  record Diff(
      CatalogSnapshot base,
      CatalogSnapshot other,
      Set<String> added,
      Set<String> removed,
      Map<String, String[]> changed) {

    boolean isEmpty() {
      return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      added.forEach(k -> sb.append("\n  + ").append(k).append(" = ").append(other.get(k)));
      removed.forEach(k -> sb.append("\n  - ").append(k).append(" = ").append(base.get(k)));
      changed.forEach(
          (k, v) ->
              sb.append("\n  ~ ")
                  .append(k)
                  .append("\n      was: ")
                  .append(v[0])
                  .append("\n      now: ")
                  .append(v[1]));
      return sb.length() == 0 ? "(no differences)" : sb.toString();
    }
  }
}
