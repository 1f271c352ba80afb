package io.geomachine.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.FieldError;
import io.geomachine.core.error.GeoMachineException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Validation, through HelloWorldJob's schema (and a few purpose-built ones). */
class ParameterSchemaTest {
  private final ParameterSchema schema = new HelloWorldJob().parameters();

  private Map<String, String> errors(JsonObject raw) {
    GeoMachineException e = assertThrows(GeoMachineException.class, () -> schema.validate(raw));
    assertEquals(ErrorCode.INVALID_PARAMETERS, e.code());
    return e.fieldErrors().stream()
        .collect(Collectors.toMap(FieldError::field, FieldError::message));
  }

  @Test
  void defaultsAreApplied() {
    ValidatedParameters p = schema.validate(new JsonObject());
    assertEquals(3L, p.all().getValue("n"));
    assertEquals("Hello World", p.all().getString("message"));
    assertEquals(0.0, p.all().getValue("failure_rate"));
    assertEquals(3, p.all().size());
    assertEquals(p.all(), schema.validate(null).all());
  }

  @Test
  void givenValuesAreKeptInTheirDeclaredTypes() {
    ValidatedParameters p =
        schema.validate(new JsonObject("{\"n\": 7.0, \"message\": \"hi\", \"failure_rate\": 1}"));
    assertEquals(7L, p.all().getValue("n"));
    assertEquals("hi", p.all().getString("message"));
    assertEquals(1.0, p.all().getValue("failure_rate"));
  }

  @Test
  void nMustBeBetweenOneAndAThousand() {
    assertEquals(1L, schema.validate(new JsonObject().put("n", 1)).all().getValue("n"));
    assertEquals(1000L, schema.validate(new JsonObject().put("n", 1000)).all().getValue("n"));
    assertTrue(errors(new JsonObject().put("n", 0)).get("n").contains("at least 1"));
    assertTrue(errors(new JsonObject().put("n", -5)).get("n").contains("at least 1"));
    assertTrue(errors(new JsonObject().put("n", 1001)).get("n").contains("at most 1000"));
  }

  @Test
  void nMustBeAnInteger() {
    assertEquals("must be an integer", errors(new JsonObject().put("n", 2.5)).get("n"));
    assertEquals("must be an integer", errors(new JsonObject().put("n", "5")).get("n"));
    assertEquals("must be an integer", errors(new JsonObject().put("n", true)).get("n"));
  }

  @Test
  void stringsAndNumbersAreNotConfused() {
    assertEquals("must be a string", errors(new JsonObject().put("message", 5)).get("message"));
    assertEquals(
        "must be a number",
        errors(new JsonObject().put("failure_rate", "0.5")).get("failure_rate"));
    assertTrue(
        errors(new JsonObject().put("failure_rate", 1.5)).get("failure_rate").contains("at most"));
  }

  @Test
  void anUnknownParameterIsNamed() {
    Map<String, String> e = errors(new JsonObject().put("bogus", 1));
    assertEquals(1, e.size());
    assertTrue(e.get("bogus").contains("unknown parameter"), e.get("bogus"));
    assertTrue(e.get("bogus").contains("n, message, failure_rate"), e.get("bogus"));
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    GeoMachineException e =
        assertThrows(
            GeoMachineException.class,
            () ->
                schema.validate(
                    new JsonObject()
                        .put("n", 0)
                        .put("message", new JsonArray())
                        .put("failure_rate", -1)
                        .put("extra", "x")));
    assertEquals(
        java.util.Set.of("n", "message", "failure_rate", "extra"),
        e.fieldErrors().stream().map(FieldError::field).collect(Collectors.toSet()));
    assertEquals("4 parameters are invalid", e.getMessage());
  }

  @Test
  void aSingleErrorIsSummarisedWithItsField() {
    GeoMachineException e =
        assertThrows(
            GeoMachineException.class, () -> schema.validate(new JsonObject().put("n", 2.5)));
    assertEquals("n: must be an integer", e.getMessage());
  }

  @Test
  void failureRateIsNotPartOfTheIdentity() {
    ValidatedParameters p = schema.validate(new JsonObject().put("n", 5).put("failure_rate", 0.25));
    assertEquals(0.25, p.all().getValue("failure_rate"));
    assertFalse(p.identifying().containsKey("failure_rate"));
    assertEquals(new JsonObject().put("n", 5L).put("message", "Hello World"), p.identifying());
    assertFalse(schema.describe().getJsonObject("failure_rate").getBoolean("part_of_job_id"));
    assertTrue(schema.describe().getJsonObject("n").getBoolean("part_of_job_id"));
  }

  @Test
  void describeListsTypesDefaultsAndBounds() {
    JsonObject n = schema.describe().getJsonObject("n");
    assertEquals("integer", n.getString("type"));
    assertEquals(3L, n.getValue("default"));
    assertEquals(1, n.getValue("min"));
    assertEquals(1000, n.getValue("max"));
    assertFalse(n.getBoolean("required"));
  }

  @Test
  void requiredAllowedAndPatternAreEnforced() {
    ParameterSchema s =
        ParameterSchema.builder()
            .string("name")
            .required()
            .pattern("[a-z]+")
            .add()
            .string("mode")
            .allowed("fast", "slow")
            .def("fast")
            .add()
            .build();
    GeoMachineException e =
        assertThrows(GeoMachineException.class, () -> s.validate(new JsonObject()));
    assertEquals("is required", e.fieldErrors().get(0).message());
    assertEquals("name", e.fieldErrors().get(0).field());
    e =
        assertThrows(
            GeoMachineException.class,
            () -> s.validate(new JsonObject().put("name", "ABC").put("mode", "medium")));
    assertEquals(2, e.fieldErrors().size());
    assertEquals("fast", s.validate(new JsonObject().put("name", "abc")).all().getString("mode"));
    assertNull(s.validate(new JsonObject().put("name", "abc")).all().getValue("missing"));
  }

  @Test
  void aNonFiniteNumberIsRejected() {
    // {"x": 1e400} is valid JSON; Jackson reads it as Infinity, which neither JSONB nor the
    // canonical JSON of the job id can hold.
    ParameterSchema s = ParameterSchema.builder().number("x").def(1).add().build();
    JsonObject raw = new JsonObject("{\"x\": 1e400}");
    GeoMachineException e = assertThrows(GeoMachineException.class, () -> s.validate(raw));
    assertEquals(ErrorCode.INVALID_PARAMETERS, e.code());
    assertEquals("x", e.fieldErrors().get(0).field());
  }
}
