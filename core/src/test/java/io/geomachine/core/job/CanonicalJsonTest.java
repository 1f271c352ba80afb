package io.geomachine.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CanonicalJsonTest {

  @Test
  void objectKeysAreSortedWhateverTheInsertionOrder() {
    JsonObject ab = new JsonObject().put("b", 1).put("a", 2).put("c", 3);
    JsonObject ba = new JsonObject().put("c", 3).put("a", 2).put("b", 1);
    assertEquals("{\"a\":2,\"b\":1,\"c\":3}", CanonicalJson.write(ab));
    assertEquals(CanonicalJson.write(ab), CanonicalJson.write(ba));
  }

  @Test
  void keysSortByCodeUnitNotByLocale() {
    JsonObject o = new JsonObject().put("b", 1).put("B", 2).put("a", 3).put("_", 4).put("10", 5);
    // '1' (0x31) < 'B' (0x42) < '_' (0x5f) < 'a' (0x61) < 'b' (0x62)
    assertEquals("{\"10\":5,\"B\":2,\"_\":4,\"a\":3,\"b\":1}", CanonicalJson.write(o));
  }

  @Test
  void threeAndThreePointZeroAndThreeEZeroAreTheSameNumber() {
    String fromInt = CanonicalJson.write(new JsonObject("{\"x\":3}"));
    String fromDecimal = CanonicalJson.write(new JsonObject("{\"x\":3.0}"));
    String fromExponent = CanonicalJson.write(new JsonObject("{\"x\":3e0}"));
    String fromLong = CanonicalJson.write(new JsonObject().put("x", 3L));
    assertEquals("{\"x\":3}", fromInt);
    assertEquals(fromInt, fromDecimal);
    assertEquals(fromInt, fromExponent);
    assertEquals(fromInt, fromLong);
  }

  @Test
  void fractionsKeepTheirShortestExactForm() {
    assertEquals("2.5", CanonicalJson.write(new JsonObject("{\"x\":2.50}").getValue("x")));
    assertEquals("0.1", CanonicalJson.write(0.1d));
    assertEquals("-1.25", CanonicalJson.write(-1.25e0));
    assertEquals("0.0000001", CanonicalJson.write(1e-7));
    assertEquals("300", CanonicalJson.write(3e2));
    assertEquals("1000000000000000000000", CanonicalJson.write(1e21));
    assertEquals("0", CanonicalJson.write(-0.0d));
    assertEquals(
        "12345678901234567890",
        CanonicalJson.write(new JsonObject("{\"x\":12345678901234567890}").getValue("x")));
  }

  @Test
  void nestedObjectsAndArraysAreCanonicalToo() {
    JsonObject a =
        new JsonObject()
            .put(
                "z",
                new JsonObject()
                    .put(
                        "b", new JsonArray().add(1.0).add(new JsonObject().put("d", 1).put("c", 2)))
                    .putNull("a"))
            .put("y", true);
    JsonObject b =
        new JsonObject(
            "{ \"y\" : true , \"z\" : { \"a\" : null, \"b\" : [ 1e0 , { \"c\" : 2.0, \"d\" : 1 } ] } }");
    String expected = "{\"y\":true,\"z\":{\"a\":null,\"b\":[1,{\"c\":2,\"d\":1}]}}";
    assertEquals(expected, CanonicalJson.write(a));
    assertEquals(expected, CanonicalJson.write(b));
  }

  @Test
  void arrayOrderIsSignificant() {
    assertFalse(
        CanonicalJson.write(new JsonArray().add(1).add(2))
            .equals(CanonicalJson.write(new JsonArray().add(2).add(1))));
  }

  @Test
  void plainMapsAndListsAreWrittenLikeJsonObjects() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("k", List.of("v", false));
    m.put("a", 1);
    assertEquals("{\"a\":1,\"k\":[\"v\",false]}", CanonicalJson.write(m));
  }

  @Test
  void stringsAreEscaped() {
    String s = "q\"b\\s/\n\r\t\b\f\u0001\u001fé€";
    String expected = "\"q\\\"b\\\\s/\\n\\r\\t\\b\\f\\u0001\\u001fé€\"";
    assertEquals(expected, CanonicalJson.write(s));
    // keys are escaped the same way
    assertEquals("{" + expected + ":1}", CanonicalJson.write(new JsonObject().put(s, 1)));
  }

  @Test
  void outputIsValidJsonWithoutWhiteSpaceThatReadsBackEqual() {
    JsonObject original =
        new JsonObject()
            .put("text", "line1\nline2 \"quoted\" \u0002")
            .put("list", new JsonArray().add("a").addNull().add(2.5))
            .put("nested", new JsonObject().put("n", 1));
    String text = CanonicalJson.write(original);
    assertFalse(text.contains("\n"));
    assertFalse(text.contains(": "));
    assertFalse(text.contains(", "));
    assertEquals(original, new JsonObject(text));
  }
}
