package io.geomachine.core.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class JobIdsTest {

  /** SHA-256, lower-case hex, computed here independently of the code under test. */
  private static String sha256(String text) throws Exception {
    byte[] digest =
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder();
    for (byte b : digest) {
      sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return sb.toString();
  }

  @Test
  void idIsTheSha256OfTheCanonicalTypeAndParameters() throws Exception {
    String expected =
        sha256(
            "{\"job_type\":\"hello_world\",\"parameters\":{\"message\":\"Hello World\",\"n\":3}}");
    JsonObject params = new JsonObject().put("n", 3).put("message", "Hello World");
    assertEquals(expected, JobIds.derive("hello_world", params));
  }

  @Test
  void equalParametersGiveTheSameIdWhateverTheirSpelling() {
    String a = JobIds.derive("t", new JsonObject().put("n", 3).put("message", "m"));
    String b = JobIds.derive("t", new JsonObject("{\"message\":\"m\",\"n\":3.0}"));
    String c = JobIds.derive("t", new JsonObject("{ \"n\" : 3e0, \"message\" : \"m\" }"));
    assertEquals(a, b);
    assertEquals(a, c);
  }

  @Test
  void idDiffersByTypeAndByParameters() {
    JsonObject p = new JsonObject().put("n", 3);
    String base = JobIds.derive("hello_world", p);
    assertNotEquals(base, JobIds.derive("other_job", p));
    assertNotEquals(base, JobIds.derive("hello_world", new JsonObject().put("n", 4)));
    assertNotEquals(base, JobIds.derive("hello_world", new JsonObject().put("n", "3")));
    assertNotEquals(base, JobIds.derive("hello_world", new JsonObject()));
  }

  @Test
  void helloWorldDefaultsGiveTheDocumentedIdAndFailureRateDoesNotChangeIt() throws Exception {
    HelloWorldJob def = new HelloWorldJob();
    String expected =
        sha256(
            "{\"job_type\":\"hello_world\",\"parameters\":{\"message\":\"Hello World\",\"n\":3}}");
    String fromDefaults =
        JobIds.derive(def.jobType(), def.parameters().validate(new JsonObject()).identifying());
    String withFailureRate =
        JobIds.derive(
            def.jobType(),
            def.parameters().validate(new JsonObject().put("failure_rate", 0.5)).identifying());
    String spelledOut =
        JobIds.derive(
            def.jobType(),
            def.parameters()
                .validate(new JsonObject().put("n", 3.0).put("message", "Hello World"))
                .identifying());
    assertEquals(expected, fromDefaults);
    assertEquals(expected, withFailureRate);
    assertEquals(expected, spelledOut);
  }

  @Test
  void derivedIdsAreWellFormed() {
    String id = JobIds.derive("hello_world", new JsonObject());
    assertEquals(64, id.length());
    assertTrue(JobIds.isWellFormed(id));
  }

  @Test
  void malformedIdsAreRecognised() {
    String id = JobIds.derive("hello_world", new JsonObject());
    assertFalse(JobIds.isWellFormed(null));
    assertFalse(JobIds.isWellFormed(""));
    assertFalse(JobIds.isWellFormed(id.toUpperCase()));
    assertFalse(JobIds.isWellFormed(id.substring(1)));
    assertFalse(JobIds.isWellFormed(id + "0"));
    assertFalse(JobIds.isWellFormed(id.substring(1) + "g"));
    assertFalse(JobIds.isWellFormed(" " + id.substring(1)));
    assertFalse(JobIds.isWellFormed("test-job-id"));
  }
}
