package io.geomachine.core.job;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The one formula for job ids, whatever the entry path: SHA-256 (lower-case hex) of the canonical
 * JSON of {@code {"job_type": <type>, "parameters": <validated parameters that identify the job>}}.
 */
public final class JobIds {
  private static final Pattern JOB_ID = Pattern.compile("[0-9a-f]{64}");

  private JobIds() {}

  public static String derive(String jobType, JsonObject identifyingParameters) {
    JsonObject identity =
        new JsonObject().put("job_type", jobType).put("parameters", identifyingParameters);
    return sha256Hex(CanonicalJson.write(identity));
  }

  public static boolean isWellFormed(String jobId) {
    return jobId != null && JOB_ID.matcher(jobId).matches();
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
