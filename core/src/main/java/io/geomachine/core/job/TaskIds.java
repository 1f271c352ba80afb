package io.geomachine.core.job;

import java.util.regex.Pattern;

/**
 * Deterministic task ids: {@code <first 40 hex of the job id>-s<stage>-<task index>}. The same job,
 * stage and unit of work always give the same id, so creating a stage twice creates nothing new.
 */
public final class TaskIds {
  /** A task index is what a planner names a unit of work by: safe characters, at most 50. */
  private static final Pattern TASK_INDEX = Pattern.compile("[A-Za-z0-9._:-]{1,50}");

  private TaskIds() {}

  public static String taskId(String jobId, int stage, String taskIndex) {
    if (!isValidIndex(taskIndex)) {
      throw new IllegalArgumentException("invalid task index: " + taskIndex);
    }
    return jobId.substring(0, 40) + "-s" + stage + "-" + taskIndex;
  }

  public static boolean isValidIndex(String taskIndex) {
    return taskIndex != null && TASK_INDEX.matcher(taskIndex).matches();
  }

  /**
   * An index for a unit of work named by an arbitrary key (a blob name, say): the key itself when
   * it is short and safe, otherwise a stable hash of it.
   */
  public static String indexFor(String key) {
    if (isValidIndex(key)) {
      return key;
    }
    return "h" + JobIds.sha256Hex(key).substring(0, 32);
  }
}
