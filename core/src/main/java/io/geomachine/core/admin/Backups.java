package io.geomachine.core.admin;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.storage.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Backups in blob storage (seed 004 scenario A): each one a complete {@code pg_dump} custom-format
 * archive of {@code app} and {@code pgstac}, checked readable ({@code pg_restore --list}) before it
 * is uploaded, named {@code full_<database>_<UTC timestamp>.dump}, never overwritten, and carrying
 * its SHA-256 so a restore knows it got the same bytes.
 */
final class Backups {
  static final String PREFIX = "full_";
  private static final Pattern NAME = Pattern.compile("full_[A-Za-z0-9_.-]+\\.dump");
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final DbTarget target;
  private final AdminSettings settings;
  private final BlobStore blobs;
  private final PgTools tools;

  Backups(DbTarget target, AdminSettings settings, BlobStore blobs, PgTools tools) {
    this.target = target;
    this.settings = settings;
    this.blobs = blobs;
    this.tools = tools;
  }

  String container() {
    return settings.backupContainer();
  }

  /** Checks that blob storage answers and the container exists (before anything is dropped). */
  void requireReachable() {
    blobs.ensureContainer(container());
  }

  /** Dumps {@code schemas}, checks the archive, uploads it as a new blob. */
  BackupInfo create(List<String> schemas, String pgstacVersion) {
    Instant now = Instant.now();
    String name = PREFIX + target.database() + "_" + STAMP.format(now) + ".dump";
    Path file = null;
    try {
      file = Files.createTempFile("geomachine-backup-", ".dump");
      tools.dump(schemas, file);
      List<String> toc = tools.toc(file);
      Map<String, String> meta = new LinkedHashMap<>();
      meta.put("database", target.database());
      meta.put("schemas", String.join(",", schemas));
      meta.put("created_at", now.toString());
      meta.put("pgstac_version", pgstacVersion == null ? "" : pgstacVersion);
      meta.put("sha256", sha256(file));
      meta.put("toc_entries", String.valueOf(toc.size()));
      meta.put("format", "pg_dump-custom");
      blobs.ensureContainer(container());
      BlobEntry blob = blobs.uploadNew(container(), name, file, meta);
      return BackupInfo.of(container(), blob);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      PgstacPrivileges.deleteQuietly(file);
    }
  }

  /** Backups of one database (or of all when null), newest first. */
  List<BackupInfo> list(String database) {
    return blobs.list(container(), PREFIX).stream()
        .map(b -> BackupInfo.of(container(), b))
        .filter(b -> database == null || database.equals(b.database()))
        .toList();
  }

  /** The backup of that name, or NOT_FOUND (INVALID_PARAMETERS for a name that cannot be one). */
  BackupInfo find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw GeoMachineException.invalidParameters(
          List.of(
              new FieldError(
                  "name",
                  "a backup name looks like full_<database>_<timestamp>.dump (got '"
                      + name
                      + "')")));
    }
    return blobs
        .find(container(), name)
        .map(b -> BackupInfo.of(container(), b))
        .orElseThrow(
            () ->
                new GeoMachineException(
                    ErrorCode.NOT_FOUND,
                    "no backup named " + name + " in container " + container(),
                    List.of(),
                    Map.of("backups", list(null).stream().limit(20).map(BackupInfo::name).toList()),
                    null));
  }

  /** Downloads a backup to a temporary file and checks its SHA-256 against the recorded one. */
  Path fetch(BackupInfo backup) {
    Path file = null;
    try {
      file = Files.createTempFile("geomachine-restore-", ".dump");
      blobs.download(container(), backup.name(), file);
      String actual = sha256(file);
      if (!backup.sha256().isBlank() && !backup.sha256().equals(actual)) {
        throw new AdminException(
            "backup "
                + backup.name()
                + " is damaged: SHA-256 "
                + actual
                + " differs from the recorded "
                + backup.sha256());
      }
      return file;
    } catch (IOException e) {
      PgstacPrivileges.deleteQuietly(file);
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      PgstacPrivileges.deleteQuietly(file);
      throw e;
    }
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
