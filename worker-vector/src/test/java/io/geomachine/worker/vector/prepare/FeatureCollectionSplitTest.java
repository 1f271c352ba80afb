package io.geomachine.worker.vector.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link FeatureCollectionSplit} cuts, into what, and what it leaves whole. */
class FeatureCollectionSplitTest {
  private static final int FEATURES = 250;
  private static final int CHUNK = 50;

  @TempDir Path dir;

  private static String feature(int i) {
    return "{\"type\":\"Feature\",\"id\":"
        + i
        + ",\"properties\":{\"s\":\"} ] \\\" {\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":["
        + i
        + ",1]}}";
  }

  /** A collection: {@code before} members, the features (null: {@code features}), {@code after}. */
  private static String collection(String before, String features, String after) {
    StringBuilder b = new StringBuilder("{\"type\":\"FeatureCollection\",").append(before);
    if (features == null) {
      List<String> all = new ArrayList<>();
      for (int i = 0; i < FEATURES; i++) {
        all.add(feature(i));
      }
      features = "[\n" + String.join(",\r\n", all) + "\n]";
    }
    return b.append("\"features\":").append(features).append(after).append("}").toString();
  }

  private SourceSplit.Plan cut(String text, int parallelism) throws Exception {
    Path file = Files.writeString(dir.resolve("source.geojson"), text);
    return FeatureCollectionSplit.raw(
        new SourceFiles.LocalSource(file, SourceFormat.GEOJSON, List.of()),
        parallelism,
        0,
        CHUNK,
        dir.resolve("parts"));
  }

  @Test
  void featuresGoOnePerLineIntoPartsOfWholeChunks() throws Exception {
    SourceSplit.Plan plan =
        cut(
            collection(
                "\"name\":\"x\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                    + "\"urn:ogc:def:crs:OGC:1.3:CRS84\"}},",
                null,
                ",\"bbox\":[0,1,249,1]"),
            2);
    assertNotNull(plan);
    assertEquals(2, plan.parts().size());
    assertEquals(0, plan.nullRowsPerPart());
    int seen = 0;
    for (SourceSplit.Part part : plan.parts()) {
      assertEquals("source.geojsonl", part.dataset().getFileName().toString());
      assertEquals(seen / CHUNK, part.firstChunk());
      List<String> lines = Files.readAllLines(part.dataset());
      if (!part.last()) {
        assertEquals(part.chunks() * CHUNK, lines.size(), "a whole number of chunks");
      }
      for (String line : lines) {
        assertEquals(new JsonObject(feature(seen)), new JsonObject(line), "feature " + seen);
        seen++;
      }
    }
    assertEquals(FEATURES, seen);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::3857\"}},",
        "\"metadata\":{\"source\":\"somewhere\"},",
        "\"crs\":null,"
      })
  void aCollectionWithOtherMembersIsLeftWhole(String member) throws Exception {
    assertNull(cut(collection(member, null, ""), 2));
    assertEquals(false, Files.exists(dir.resolve("parts")), "no part left behind");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[{\"type\":\"Feature\",\"properties\":{},\"geometry\":null},null]",
        "[{\"type\":\"Feature\",\"properties\":{\"s\":\"line\nbreak\"},\"geometry\":null},"
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]",
        "[{\"type\":\"Feature\",\"properties\":{},\"geometry\":null},"
            + "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}",
        "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}"
      })
  void featuresThisCannotCutAreLeftWhole(String features) throws Exception {
    assertNull(cut(collection("", features, ""), 2));
  }

  @Test
  void aFeatureTypedCollectionIsLeftWhole() throws Exception {
    String text = collection("", null, "").replace("FeatureCollection", "Feature");
    assertNull(cut(text, 2));
  }

  @Test
  void tooFewFeaturesForTwoChunksAreLeftWhole() throws Exception {
    String one = "[" + feature(0) + "," + feature(1) + "]";
    assertNull(cut(collection("", one, ""), 2));
  }
}
