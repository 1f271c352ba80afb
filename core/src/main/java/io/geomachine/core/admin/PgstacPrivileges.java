package io.geomachine.core.admin;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * pgstac's roles, ownership and grants after a restore. A restore runs with {@code --no-owner
 * --no-privileges} (seed 004), so the restored objects belong to the restoring user and carry no
 * grants. pgstac relies on both: its SECURITY DEFINER functions must run as {@code pgstac_admin},
 * and {@code pgstac_read}/{@code pgstac_ingest} need their grants. This puts them back the way
 * {@code pypgstac migrate} leaves them: roles (with their search_path), ownership by {@code
 * pgstac_admin}, and the pgstac grants recorded in the backup itself (its ACL entries, replayed).
 */
final class PgstacPrivileges {
  static final List<String> ROLES = List.of("pgstac_admin", "pgstac_ingest", "pgstac_read");

  /** Extensions pgstac's migration creates; a restore into a new database needs them first. */
  static final List<String> EXTENSIONS = List.of("postgis", "btree_gist", "unaccent");

  private static final Pattern PGSTAC_ACL =
      Pattern.compile("^\\d+; \\d+ \\d+ (ACL|DEFAULT ACL) (pgstac |- SCHEMA pgstac ).*");

  /** The roles as pgstac's migration creates them: NOLOGIN, search_path pgstac, public. */
  Uni<Void> ensureRoles(SqlClient c) {
    StringBuilder sql = new StringBuilder("DO $$ BEGIN\n");
    for (String role : ROLES) {
      sql.append("  BEGIN CREATE ROLE ")
          .append(role)
          .append("; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END;\n");
    }
    sql.append("END $$");
    Uni<Void> chain = c.query(sql.toString()).execute().replaceWithVoid();
    for (String role : ROLES) {
      chain =
          chain.chain(
              () ->
                  c.query("ALTER ROLE " + role + " SET search_path TO pgstac, public")
                      .execute()
                      .replaceWithVoid());
    }
    return chain
        .chain(() -> c.query("GRANT pgstac_read TO pgstac_ingest").execute())
        .chain(() -> c.query("GRANT pgstac_admin TO current_user").execute())
        .replaceWithVoid();
  }

  /**
   * Gives the schema and everything in it back to {@code pgstac_admin}, object by object (as
   * pgstac's own {@code pgstac_admin_owns()} does); returns how many objects are still owned by
   * someone else.
   */
  Uni<Long> restoreOwnership(SqlClient c) {
    return c.query(REOWN)
        .execute()
        .chain(
            () ->
                c.query(
                        "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace ="
                            + " 'pgstac'::regnamespace AND relkind IN ('r','p','v','m')"
                            + " AND relowner <> 'pgstac_admin'::regrole)"
                            + " + (SELECT count(*) FROM pg_proc WHERE pronamespace ="
                            + " 'pgstac'::regnamespace AND proowner <> 'pgstac_admin'::regrole)"
                            + " AS n")
                    .execute())
        .map(rs -> rs.iterator().next().getLong("n"));
  }

  private static final String REOWN =
      "DO $$ DECLARE s text; BEGIN\n"
          + "  ALTER SCHEMA pgstac OWNER TO pgstac_admin;\n"
          + "  FOR s IN\n"
          + "    SELECT format('ALTER %s %s OWNER TO pgstac_admin', CASE c.relkind"
          + " WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'"
          + " ELSE 'TABLE' END, c.oid::regclass)\n"
          + "    FROM pg_class c WHERE c.relnamespace = 'pgstac'::regnamespace\n"
          + "      AND c.relkind IN ('r', 'p', 'v', 'm', 'S')\n"
          + "      AND c.relowner <> 'pgstac_admin'::regrole\n"
          + "    UNION ALL\n"
          + "    SELECT format('ALTER ROUTINE %s OWNER TO pgstac_admin', p.oid::regprocedure)\n"
          + "    FROM pg_proc p WHERE p.pronamespace = 'pgstac'::regnamespace\n"
          + "      AND p.proowner <> 'pgstac_admin'::regrole\n"
          + "    UNION ALL\n"
          + "    SELECT format('ALTER TYPE %s OWNER TO pgstac_admin', t.oid::regtype)\n"
          + "    FROM pg_type t LEFT JOIN pg_class r ON r.oid = t.typrelid\n"
          + "    WHERE t.typnamespace = 'pgstac'::regnamespace AND t.typelem = 0\n"
          + "      AND (t.typtype IN ('e', 'd', 'r') OR r.relkind = 'c')\n"
          + "      AND t.typowner <> 'pgstac_admin'::regrole\n"
          + "  LOOP\n"
          + "    BEGIN EXECUTE s;\n"
          + "    EXCEPTION WHEN others THEN RAISE NOTICE '%: %, skipped', s, SQLERRM; END;\n"
          + "  END LOOP;\n"
          + "END $$";

  /**
   * Replays the backup's own pgstac grants (its ACL and DEFAULT ACL entries). Not atomic on
   * purpose: a grant to a role this cluster does not have is reported, not fatal.
   */
  Map<String, Object> replayGrants(PgTools tools, Path dump, List<String> toc) {
    List<String> acl = toc.stream().filter(l -> PGSTAC_ACL.matcher(l).matches()).toList();
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("grant_entries", acl.size());
    if (acl.isEmpty()) {
      return detail;
    }
    Path list = null;
    Path script = null;
    try {
      list = Files.createTempFile("geomachine-acl-", ".list");
      script = Files.createTempFile("geomachine-acl-", ".sql");
      Files.write(list, acl);
      tools.restoreScript(dump, script, list, true);
      ExternalCommand.Result r = tools.psql(script, false);
      long errors = r.output().lines().filter(l -> l.contains("ERROR:")).count();
      detail.put("errors", errors);
      if (errors > 0) {
        detail.put("psql_output", r.output().strip());
      }
      return detail;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(list);
      deleteQuietly(script);
    }
  }

  static void deleteQuietly(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temporary file
      }
    }
  }
}
