package io.geomachine.core.admin;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.storage.BlobSettings;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestServices;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.function.Executable;

/**
 * What the schema administration tests share: the real pypgstac, the real Azurite, a {@link
 * SchemaAdmin} on a test database, and content checksums of whole schemas.
 */
public final class AdminTestSupport {
  /** Backups made by tests go here, apart from the platform's own "backups" container. */
  public static final String TEST_CONTAINER = "test-backups";

  private AdminTestSupport() {}

  /** GEOMACHINE_TEST_PYPGSTAC, else the platform's venv found from the working directory up. */
  public static String pypgstac() {
    return envOrFind("GEOMACHINE_TEST_PYPGSTAC", ".platform/venv/bin/pypgstac");
  }

  /** GEOMACHINE_TEST_AZURITE_BIN, else the platform's Azurite found from the working directory. */
  public static String azuriteBlobBinary() {
    return envOrFind(
        "GEOMACHINE_TEST_AZURITE_BIN", ".platform/azurite/node_modules/.bin/azurite-blob");
  }

  private static String envOrFind(String env, String relative) {
    String v = System.getenv(env);
    if (v != null && !v.isBlank()) {
      return v;
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(relative);
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return relative; // a path that does not exist: the test using it fails and says why
  }

  /** The local Azurite (GEOMACHINE_TEST_AZURITE_BLOB, exported by ./platform test). */
  public static BlobSettings blobSettings() {
    String endpoint = System.getenv("GEOMACHINE_TEST_AZURITE_BLOB");
    return endpoint == null || endpoint.isBlank()
        ? BlobSettings.connectionString(BlobSettings.AZURITE_DEV_CONNECTION_STRING)
        : BlobSettings.azurite(endpoint);
  }

  public static BlobStore blobStore() {
    return BlobStore.connect(blobSettings());
  }

  public static AdminSettings settings() {
    return AdminSettings.defaults()
        .withPypgstac(pypgstac())
        .withBackupContainer(TEST_CONTAINER)
        .withReadOnlyRole("geomachine_test_reader", true);
  }

  public static DbTarget target(String database) {
    return new DbTarget(
        TestServices.pgHost(),
        TestServices.pgPort(),
        database,
        TestServices.pgUser(),
        TestServices.pgPassword(),
        null);
  }

  public static SchemaAdmin admin(TestDatabase db, AdminSettings settings) {
    return new SchemaAdmin(db.pool(), target(db.name()), settings, blobStore());
  }

  public static SchemaAdmin admin(TestDatabase db) {
    return admin(db, settings());
  }

  /**
   * For every table of the schemas (partitions included): its row count and the md5 of its rows in
   * a stable order. Two equal results mean equal content.
   */
  public static Map<String, String> checksums(Pool pool, String... schemas) {
    Map<String, String> out = new TreeMap<>();
    for (Row t :
        Sql.rows(
            pool,
            "SELECT schemaname, tablename FROM pg_tables WHERE schemaname = ANY($1)",
            (Object) schemas)) {
      String table = "\"" + t.getString("schemaname") + "\".\"" + t.getString("tablename") + "\"";
      Row r =
          Sql.row(
              pool,
              "SELECT count(*) AS n, md5(coalesce(string_agg(x::text, E'\\n' ORDER BY x::text),"
                  + " '')) AS h FROM "
                  + table
                  + " x");
      out.put(table, r.getLong("n") + " rows, md5 " + r.getString("h"));
    }
    return out;
  }

  /** Asserts a domain error with that code and returns it. */
  public static GeoMachineException expectError(String code, Executable work) {
    GeoMachineException e = assertThrows(GeoMachineException.class, work);
    if (!e.code().name().equals(code)) {
      throw new AssertionError(
          "expected " + code + " but got " + e.code() + ": " + e.getMessage(), e);
    }
    return e;
  }

  /** The report carried by an OPERATION_FAILED error. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> report(GeoMachineException e) {
    return (Map<String, Object>) e.details().get("report");
  }

  /** Status of each step of a report (as a map from the error details), in order. */
  @SuppressWarnings("unchecked")
  public static Map<String, String> stepStatuses(Map<String, Object> report) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (Map<String, Object> s : (List<Map<String, Object>>) report.get("steps")) {
      out.put((String) s.get("name"), (String) s.get("status"));
    }
    return out;
  }

  public static Map<String, String> stepStatuses(OperationReport report) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    report.steps().forEach(s -> out.put(s.name(), s.status()));
    return out;
  }

  /**
   * A geo table and an h3 table with rows, as user data that administration must not touch
   * (recreated, so every call leaves the same data).
   */
  public static void createUserData(Pool pool) {
    Sql.update(pool, "CREATE SCHEMA IF NOT EXISTS geo");
    Sql.update(pool, "CREATE SCHEMA IF NOT EXISTS h3");
    Sql.update(pool, "DROP TABLE IF EXISTS geo.parcels, h3.cells");
    Sql.update(
        pool,
        "CREATE TABLE geo.parcels (objectid serial PRIMARY KEY, name text,"
            + " etl_job_id varchar(64), geom geometry(Polygon, 4326))");
    Sql.update(
        pool,
        "INSERT INTO geo.parcels (name, etl_job_id, geom) SELECT 'parcel ' || g, md5(g::text),"
            + " ST_MakeEnvelope(g, g, g + 1, g + 1, 4326) FROM generate_series(1, 250) g");
    Sql.update(
        pool,
        "CREATE TABLE h3.cells (h3_index bigint PRIMARY KEY, resolution int,"
            + " geom geometry(Point, 4326))");
    Sql.update(
        pool,
        "INSERT INTO h3.cells SELECT 600000000000000000 + g, g % 16,"
            + " ST_SetSRID(ST_MakePoint(g / 10.0, g / 20.0), 4326) FROM generate_series(1, 400) g"
            + " ON CONFLICT DO NOTHING");
  }

  public static Map<String, String> userDataChecksums(Pool pool) {
    Map<String, String> all = checksums(pool, "geo", "h3");
    all.remove("\"geo\".\"table_metadata\"");
    return all;
  }
}
