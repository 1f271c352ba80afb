package io.geomachine.core.messaging;

/** A message that cannot be understood; it is dead-lettered with this reason, never retried. */
public class MessageFormatException extends RuntimeException {
  public MessageFormatException(String reason) {
    super(reason);
  }
}
