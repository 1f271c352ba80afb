package io.geomachine.core.task;

/**
 * A handler's way to fail a task with a stable error code users can act on. Any other exception
 * fails the task with code {@code HANDLER_ERROR}.
 */
public class TaskFailure extends Exception {
  private final String code;
  private final boolean retryable;

  public TaskFailure(String code, String message, boolean retryable) {
    super(message);
    this.code = code;
    this.retryable = retryable;
  }

  public static TaskFailure permanent(String code, String message) {
    return new TaskFailure(code, message, false);
  }

  public String code() {
    return code;
  }

  public boolean retryable() {
    return retryable;
  }
}
