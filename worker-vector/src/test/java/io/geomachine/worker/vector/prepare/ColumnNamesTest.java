package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.task.TaskFailure;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Column-name cleaning: pure rules, no I/O. */
class ColumnNamesTest {
  @Test
  void cleansToSafeLowerCaseNames() {
    assertEquals("population_total", ColumnNames.clean("Population Total"));
    assertEquals("region", ColumnNames.clean("Région"));
    assertEquals("strasse", ColumnNames.clean("strasse"));
    assertEquals("a_b_c", ColumnNames.clean("a--b..c"));
    assertEquals("_2020_value", ColumnNames.clean("2020 value"));
    assertEquals("column", ColumnNames.clean("%%%"));
    assertEquals("column", ColumnNames.clean(""));
    assertEquals("_private", ColumnNames.clean("_private"));
    assertEquals("x", ColumnNames.clean(" x "));
    assertEquals("column", ColumnNames.clean("日本"));
  }

  @Test
  void truncatesTo63BytesWithoutDuplicates() throws TaskFailure {
    String longName = "a".repeat(80);
    List<String> names =
        ColumnNames.cleanAll(
            List.of(longName, longName + "b", "Name", "name", "NAME "), "geom", false);
    assertEquals("a".repeat(63), names.get(0));
    assertEquals("a".repeat(61) + "_2", names.get(1));
    assertEquals(List.of("name", "name_2", "name_3"), names.subList(2, 5));
    assertEquals(names.size(), new HashSet<>(names).size());
    names.forEach(n -> assertTrue(n.getBytes(StandardCharsets.UTF_8).length <= 63, n));
  }

  @Test
  void standardColumnsCollideUnlessRenamed() throws TaskFailure {
    for (String standard : List.of("OBJECTID", "created_at", "Etl_Batch_Id", "geom")) {
      TaskFailure f =
          assertThrows(
              TaskFailure.class,
              () -> ColumnNames.cleanAll(List.of("ok", standard), "geom", false));
      assertEquals("COLUMN_NAME_COLLISION", f.code());
      assertTrue(f.getMessage().contains("'" + standard + "'"), f.getMessage());
    }
    assertEquals(
        List.of("objectid_src", "geom_src", "shape"),
        ColumnNames.cleanAll(List.of("OBJECTID", "geom", "shape"), "geom", true));
    assertEquals(
        List.of("geom", "shape_src"),
        ColumnNames.cleanAll(List.of("geom", "Shape"), "shape", true));
    // a renamed column does not take a name a later column has
    assertEquals(
        List.of("objectid_src", "objectid_src_2"),
        ColumnNames.cleanAll(List.of("objectid", "objectid_src"), "geom", true));
  }
}
