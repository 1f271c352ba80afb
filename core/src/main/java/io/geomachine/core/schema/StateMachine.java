package io.geomachine.core.schema;

import java.util.Set;

/**
 * A status enum whose legal transitions are declared in Java. The declaration is the single source
 * of the state machine: the repositories guard every UPDATE with the expected status, and the
 * schema generator turns {@link #allowedNext()} into a trigger that rejects any other transition in
 * the database itself.
 */
public interface StateMachine<S extends Enum<S> & StateMachine<S>> extends SqlValue {
  /** The statuses this one may move to. */
  Set<S> allowedNext();

  /** True when no transition leaves this status except an explicit re-run. */
  boolean isTerminal();

  default boolean canMoveTo(S next) {
    return allowedNext().contains(next);
  }
}
