package io.geomachine.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TaskIdsTest {
  private static final String JOB = JobIds.derive("hello_world", new JsonObject().put("n", 1));
  private static final String OTHER_JOB =
      JobIds.derive("hello_world", new JsonObject().put("n", 2));

  @Test
  void idIsJobPrefixStageAndIndex() {
    assertEquals(JOB.substring(0, 40) + "-s2-17", TaskIds.taskId(JOB, 2, "17"));
  }

  @Test
  void idsAreDeterministicAndDistinct() {
    assertEquals(TaskIds.taskId(JOB, 1, "0"), TaskIds.taskId(JOB, 1, "0"));
    assertNotEquals(TaskIds.taskId(JOB, 1, "0"), TaskIds.taskId(JOB, 2, "0"));
    assertNotEquals(TaskIds.taskId(JOB, 1, "0"), TaskIds.taskId(JOB, 1, "1"));
    assertNotEquals(TaskIds.taskId(JOB, 1, "0"), TaskIds.taskId(OTHER_JOB, 1, "0"));
    // "s1-10" must not be confused with "s11-0"
    assertNotEquals(TaskIds.taskId(JOB, 1, "10"), TaskIds.taskId(JOB, 11, "0"));
  }

  @Test
  void idsFitTheTaskIdColumn() {
    String longest = "x".repeat(50);
    for (int stage : new int[] {1, 9, 10, 99, 999, 99_999}) {
      String id = TaskIds.taskId(JOB, stage, longest);
      assertTrue(id.length() <= 100, id + " is " + id.length() + " characters");
    }
  }

  @Test
  void invalidIndexesAreRejected() {
    for (String bad :
        new String[] {null, "", "a b", "a/b", "x".repeat(51), "é", "a\nb", "a'b", "a;b"}) {
      assertThrows(IllegalArgumentException.class, () -> TaskIds.taskId(JOB, 1, bad), "" + bad);
      assertEquals(false, TaskIds.isValidIndex(bad), "" + bad);
    }
    assertTrue(TaskIds.isValidIndex("A-z_0.9:x"));
    assertTrue(TaskIds.isValidIndex("x".repeat(50)));
  }

  @Test
  void indexForKeepsShortSafeKeys() {
    assertEquals("tile_0001.tif", TaskIds.indexFor("tile_0001.tif"));
    assertEquals("x".repeat(50), TaskIds.indexFor("x".repeat(50)));
  }

  @Test
  void indexForHashesLongOrUnsafeKeys() throws Exception {
    String longKey = "container/some/deep/folder/" + "segment/".repeat(20) + "file.tif";
    String expected =
        "h"
            + HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest(longKey.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 32);
    assertEquals(expected, TaskIds.indexFor(longKey));
    assertEquals(TaskIds.indexFor(longKey), TaskIds.indexFor(longKey));
    assertTrue(TaskIds.isValidIndex(TaskIds.indexFor(longKey)));

    String fiftyOne = "y".repeat(51);
    assertEquals(33, TaskIds.indexFor(fiftyOne).length());
    assertNotEquals(TaskIds.indexFor(fiftyOne), TaskIds.indexFor("y".repeat(52)));

    String unsafe = "a/b.tif";
    assertTrue(TaskIds.indexFor(unsafe).startsWith("h"));
    assertTrue(TaskIds.isValidIndex(TaskIds.indexFor(unsafe)));
    assertTrue(TaskIds.taskId(JOB, 1, TaskIds.indexFor(longKey)).length() <= 100);
  }
}
