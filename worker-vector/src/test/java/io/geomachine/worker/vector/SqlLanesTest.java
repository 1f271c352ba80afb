package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.geomachine.core.testing.Sql;
import io.geomachine.core.testing.TestDatabase;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The lanes on real PostgreSQL: every step runs once; when one fails, the statement running in the
 * other lane is cancelled (it never writes its mark, though it would after 30 s), no further step
 * starts, and the first failure is what run throws.
 */
class SqlLanesTest {
  private static TestDatabase db;

  @BeforeAll
  static void setUp() {
    db = TestDatabase.recreate("geomachine_test_sql_lanes", false);
  }

  @AfterAll
  static void tearDown() {
    db.close();
  }

  @BeforeEach
  void marks() {
    Sql.update(db.pool(), "DROP TABLE IF EXISTS marks");
    Sql.update(db.pool(), "CREATE TABLE marks (step TEXT PRIMARY KEY)");
  }

  private static SqlLanes.Step mark(String name, int weight, String from) {
    return new SqlLanes.Step(
        name,
        weight,
        (SqlConnection c) ->
            c.query("INSERT INTO marks SELECT '" + name + "' FROM " + from)
                .execute()
                .replaceWithVoid());
  }

  private static Set<String> marked() {
    Set<String> out = new TreeSet<>();
    Sql.rows(db.pool(), "SELECT step FROM marks").forEach(r -> out.add(r.getString("step")));
    return out;
  }

  @Test
  void everyStepRunsOnceInAnyNumberOfLanes() {
    for (int lanes : new int[] {1, 2, 3}) {
      marks();
      List<SqlLanes.Step> steps = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        steps.add(mark("s" + i, i % 2 == 0 ? 5 : 1, "pg_sleep(0.01)"));
      }
      new SqlLanes(db.pool(), lanes).run(steps);
      assertEquals(Set.of("s0", "s1", "s2", "s3", "s4"), marked(), lanes + " lanes");
    }
  }

  @Test
  void aFailingStepCancelsTheOtherLaneAndThrowsTheFirstFailure() {
    SqlLanes lanes = new SqlLanes(db.pool(), 2);
    List<SqlLanes.Step> steps =
        List.of(
            // lane 1: a long statement, then one more (ties go to the first lane)
            mark("slow", 10, "pg_sleep(30)"),
            // lane 2: fails once lane 1 is surely running, then one more
            mark("fails", 10, "pg_sleep(0.5) p WHERE 1 / (random() * 0)::int = 1"),
            mark("after_slow", 1, "pg_sleep(0)"),
            mark("after_failure", 1, "pg_sleep(0)"));

    PgException e = assertThrows(PgException.class, () -> lanes.run(steps));

    assertEquals("22012", e.getSqlState(), "the division by zero, not the cancellation");
    assertEquals(Set.of(), marked(), "the slow statement was cancelled, nothing started after");
    assertEquals(
        0,
        Sql.count(
            db.pool(),
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                + " AND pid <> pg_backend_pid() AND state <> 'idle'"));
  }
}
