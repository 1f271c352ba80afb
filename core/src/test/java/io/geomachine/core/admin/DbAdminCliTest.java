package io.geomachine.core.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.geomachine.core.testing.TestServices;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The operator command: same operations, JSON out, exit codes an operator script can act on. */
class DbAdminCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestDatabase db;

  @BeforeAll
  static void create() {
    db = TestDatabase.recreate("geomachine_test_admin_cli");
  }

  @AfterAll
  static void close() {
    db.close();
  }

  record Run(int exit, String out, String err) {
    JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + out + "\nstderr: " + err, e);
      }
    }
  }

  private static Run run(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("PGHOST", TestServices.pgHost());
    env.put("PGPORT", String.valueOf(TestServices.pgPort()));
    env.put("PGUSER", TestServices.pgUser());
    env.put("PGPASSWORD", TestServices.pgPassword());
    env.put("PGDATABASE", db.name());
    env.put("GEOMACHINE_ADMIN_PYPGSTAC", AdminTestSupport.pypgstac());
    env.put("GEOMACHINE_ADMIN_BACKUP_CONTAINER", AdminTestSupport.TEST_CONTAINER);
    env.put("GEOMACHINE_ADMIN_READ_ONLY_ROLE", "geomachine_test_reader");
    String azurite = System.getenv("GEOMACHINE_TEST_AZURITE_BLOB");
    if (azurite != null && !azurite.isBlank()) {
      env.put(
          "AZURE_STORAGE_CONNECTION_STRING", AdminTestSupport.blobSettings().connectionString());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        DbAdminCli.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRebuildFromTheCommandLineVerifiesValidatesAndBacksUp() {
    Run refused = run("full-rebuild");
    assertEquals(DbAdminCli.REFUSED, refused.exit(), refused.out());
    JsonNode error = refused.json().get("error");
    assertEquals("CONFIRMATION_REQUIRED", error.get("code").asText());
    assertTrue(error.at("/details/plan/actions").toString().contains("DROP SCHEMA app CASCADE"));

    Run rebuilt = run("full-rebuild", "--confirm", "--no-backup");
    assertEquals(DbAdminCli.OK, rebuilt.exit(), rebuilt.out() + rebuilt.err());
    assertEquals("succeeded", rebuilt.json().get("status").asText());

    Run verify = run("verify");
    assertEquals(DbAdminCli.OK, verify.exit(), verify.out());
    assertTrue(verify.json().get("passed").asBoolean());

    Run validate = run("validate");
    assertEquals(DbAdminCli.OK, validate.exit(), validate.out());
    assertTrue(validate.json().get("trusted").asBoolean());

    Run backup = run("backup");
    assertEquals(DbAdminCli.OK, backup.exit(), backup.out());
    String name = backup.json().at("/result/backup/name").asText();
    Run list = run("backups");
    assertTrue(list.out().contains(name), list.out());

    Run restore = run("restore", name, "--confirm", "--no-backup");
    assertEquals(DbAdminCli.OK, restore.exit(), restore.out());
  }

  @Test
  void failedChecksAndBadArgumentsGiveTheirExitCodes() {
    Sql.update(db.pool(), "DROP SCHEMA IF EXISTS pgstac CASCADE");
    Run verify = run("verify");
    assertEquals(DbAdminCli.FAILED, verify.exit(), verify.out());
    assertTrue(!verify.json().get("passed").asBoolean());

    assertEquals(DbAdminCli.USAGE, run("no-such-command").exit());
    assertEquals(DbAdminCli.USAGE, run("verify", "--bogus").exit());
    assertEquals(DbAdminCli.USAGE, run("restore").exit());
    Run badMode = run("stac-nuke", "--mode", "everything", "--confirm");
    assertEquals(DbAdminCli.USAGE, badMode.exit(), badMode.out());
    assertEquals("INVALID_PARAMETERS", badMode.json().at("/error/code").asText());
    Run help = run("help");
    assertEquals(DbAdminCli.OK, help.exit());
    assertTrue(help.out().contains("full-rebuild     DESTRUCTIVE"), help.out());
    assertTrue(help.out().contains("verify           safe"), help.out());
    Run ddl = run("ddl");
    assertEquals(DbAdminCli.OK, ddl.exit());
    assertTrue(ddl.out().contains("CREATE TABLE IF NOT EXISTS \"app\".\"jobs\""), ddl.out());
    // and the database can be brought back by the same command
    assertEquals(DbAdminCli.OK, run("redeploy-pgstac", "--confirm", "--no-backup").exit());
  }

  @Test
  void aCommandWhileAnotherOperationRunsExitsBusy() {
    SqlConnection other = Sql.await(db.pool().getConnection());
    try {
      Sql.await(
          other
              .preparedQuery("SELECT pg_advisory_lock($1, $2)")
              .execute(Tuple.of(AdminLock.KEY_CLASS, AdminLock.KEY_OBJECT)));
      Run busy = run("redeploy-app", "--confirm", "--no-backup");
      assertEquals(DbAdminCli.BUSY, busy.exit(), busy.out());
      assertEquals("OPERATION_IN_PROGRESS", busy.json().at("/error/code").asText());
    } finally {
      Sql.await(
          other
              .preparedQuery("SELECT pg_advisory_unlock($1, $2)")
              .execute(Tuple.of(AdminLock.KEY_CLASS, AdminLock.KEY_OBJECT)));
      Sql.await(other.close());
    }
  }
}
