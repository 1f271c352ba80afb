package io.geomachine.core.messaging;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The task and job a message names, read from its raw text when it does not parse: a {@code
 * "task_id": "…"} or {@code "job_id": "…"} pair, or failing that an id of the platform's shape (a
 * task id is {@code <40 hex>-s<stage>-<index>}, a job id 64 hex). Best effort, for failing what an
 * unreadable message names; never used to route a message.
 */
public final class MessageIds {
  private static final Pattern TASK_FIELD =
      Pattern.compile("\"task_id\"\\s*:\\s*\"([0-9a-f]{40}-s[0-9]{1,4}-[A-Za-z0-9._:-]{1,50})\"");
  private static final Pattern JOB_FIELD = Pattern.compile("\"job_id\"\\s*:\\s*\"([0-9a-f]{64})\"");
  private static final Pattern TASK_ID =
      Pattern.compile("(?<![0-9a-f])[0-9a-f]{40}-s[0-9]{1,4}-[A-Za-z0-9._:-]{1,50}");
  private static final Pattern JOB_ID = Pattern.compile("(?<![0-9a-f-])[0-9a-f]{64}(?![0-9a-f])");

  private MessageIds() {}

  public static Optional<String> taskId(String raw) {
    return find(raw, TASK_FIELD, TASK_ID);
  }

  public static Optional<String> jobId(String raw) {
    return find(raw, JOB_FIELD, JOB_ID);
  }

  private static Optional<String> find(String raw, Pattern field, Pattern bare) {
    if (raw == null) {
      return Optional.empty();
    }
    Matcher m = field.matcher(raw);
    if (m.find()) {
      return Optional.of(m.group(1));
    }
    Matcher b = bare.matcher(raw);
    return b.find() ? Optional.of(b.group()) : Optional.empty();
  }
}
