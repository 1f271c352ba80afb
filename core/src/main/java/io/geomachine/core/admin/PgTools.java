package io.geomachine.core.admin;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The external programs administration runs: {@code pg_dump}, {@code pg_restore}, {@code psql} and
 * {@code pypgstac}, all with the target database in the libpq environment.
 */
final class PgTools {
  /** What pg_dump writes to start every restore script: an empty search_path. */
  static final String EMPTY_SEARCH_PATH = "SELECT pg_catalog.set_config('search_path', '', false);";

  /**
   * pgstac's SQL functions call PostGIS and each other unqualified, and generated columns and
   * constraints inline them while a restore runs; with pg_dump's empty search_path that fails
   * ("function st_makeenvelope(...) does not exist", stac-utils/pgstac#64). Restores therefore run
   * with this one.
   */
  static final String PGSTAC_SEARCH_PATH =
      "SELECT pg_catalog.set_config('search_path', 'pgstac, public', false);";

  private final DbTarget target;
  private final AdminSettings settings;

  PgTools(DbTarget target, AdminSettings settings) {
    this.target = target;
    this.settings = settings;
  }

  private Map<String, String> env() {
    return target.libpqEnv();
  }

  /**
   * {@code pypgstac migrate --toversion <pinned>}: installs or upgrades pgstac in one transaction.
   */
  ExternalCommand.Result migratePgstac() {
    return ExternalCommand.run(
            ExternalCommand.args(
                settings.pypgstac(), "migrate", "--toversion", settings.pgstacVersion()),
            env(),
            settings.commandTimeout(),
            null)
        .requireOk();
  }

  /** A custom-format dump of the given schemas (owners and privileges are kept in the archive). */
  ExternalCommand.Result dump(List<String> schemas, Path file) {
    List<String> cmd = ExternalCommand.args(settings.pgDump(), "--format=custom", "--file=" + file);
    for (String s : schemas) {
      cmd.add("--schema=" + s);
    }
    return ExternalCommand.run(cmd, env(), settings.commandTimeout(), null).requireOk();
  }

  /** The archive's table of contents ({@code pg_restore --list}); fails on a damaged archive. */
  List<String> toc(Path dump) {
    Path list = null;
    try {
      list = Files.createTempFile("geomachine-toc-", ".list");
      ExternalCommand.run(
              ExternalCommand.args(settings.pgRestore(), "--list", dump.toString()),
              Map.of(),
              settings.commandTimeout(),
              list)
          .requireOk();
      List<String> entries = new ArrayList<>();
      for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
        if (!line.isBlank() && !line.startsWith(";")) {
          entries.add(line);
        }
      }
      return entries;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      PgstacPrivileges.deleteQuietly(list);
    }
  }

  /**
   * Writes the archive as a SQL script without owners or privileges (seed 004), optionally only the
   * entries of a list file; the script then gets pgstac's search_path (see {@link
   * #PGSTAC_SEARCH_PATH}).
   */
  void restoreScript(Path dump, Path script, Path useList, boolean privileges) {
    List<String> cmd = ExternalCommand.args(settings.pgRestore(), "--no-owner");
    if (!privileges) {
      cmd.add("--no-privileges");
    }
    if (useList != null) {
      cmd.add("--use-list=" + useList);
    }
    cmd.add("--file=" + script);
    cmd.add(dump.toString());
    ExternalCommand.run(cmd, Map.of(), settings.commandTimeout(), null).requireOk();
  }

  /** Runs a script with psql; all or nothing when {@code atomic}, else errors are only counted. */
  ExternalCommand.Result psql(Path script, boolean atomic) {
    List<String> cmd =
        ExternalCommand.args(settings.psql(), "-X", "-q", "--no-psqlrc", "-f", script.toString());
    if (atomic) {
      cmd.add("--single-transaction");
      cmd.add("--set=ON_ERROR_STOP=1");
    }
    ExternalCommand.Result r = ExternalCommand.run(cmd, env(), settings.commandTimeout(), null);
    return atomic ? r.requireOk() : r;
  }

  /**
   * Copies a restore script, replacing pg_dump's empty search_path outside COPY data; returns how
   * many times it was replaced.
   */
  static int withPgstacSearchPath(Path in, Path out) {
    int replaced = 0;
    boolean inCopyData = false;
    try (BufferedReader r = Files.newBufferedReader(in, StandardCharsets.UTF_8);
        BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        if (inCopyData) {
          inCopyData = !line.equals("\\.");
        } else if (line.startsWith("COPY ") && line.endsWith(" FROM stdin;")) {
          inCopyData = true;
        } else if (line.equals(EMPTY_SEARCH_PATH)) {
          line = PGSTAC_SEARCH_PATH;
          replaced++;
        }
        w.write(line);
        w.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return replaced;
  }

  static String version(String program) {
    ExternalCommand.Result r =
        ExternalCommand.run(
            ExternalCommand.args(program, "--version"),
            Map.of(),
            java.time.Duration.ofSeconds(30),
            null);
    return r.ok() ? r.output().strip() : "unknown";
  }
}
