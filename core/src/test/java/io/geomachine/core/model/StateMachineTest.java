package io.geomachine.core.model;

import static io.geomachine.core.model.JobStatus.CANCELLED;
import static io.geomachine.core.model.JobStatus.COMPLETED;
import static io.geomachine.core.model.JobStatus.COMPLETED_WITH_ERRORS;
import static io.geomachine.core.model.JobStatus.FAILED;
import static io.geomachine.core.model.JobStatus.PROCESSING;
import static io.geomachine.core.model.JobStatus.QUEUED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StateMachineTest {

  /** The job life cycle as documented on JobStatus, written out independently. */
  private static final Map<JobStatus, Set<JobStatus>> JOB =
      Map.of(
          QUEUED, EnumSet.of(PROCESSING, FAILED, CANCELLED),
          PROCESSING, EnumSet.of(COMPLETED, FAILED, COMPLETED_WITH_ERRORS, CANCELLED),
          COMPLETED, EnumSet.noneOf(JobStatus.class),
          FAILED, EnumSet.of(QUEUED),
          COMPLETED_WITH_ERRORS, EnumSet.of(QUEUED),
          CANCELLED, EnumSet.of(QUEUED));

  private static final Map<TaskStatus, Set<TaskStatus>> TASK =
      Map.of(
          TaskStatus.QUEUED, EnumSet.of(TaskStatus.PROCESSING, TaskStatus.CANCELLED),
          TaskStatus.PROCESSING,
              EnumSet.of(
                  TaskStatus.COMPLETED,
                  TaskStatus.FAILED,
                  TaskStatus.PENDING_RETRY,
                  TaskStatus.CANCELLED),
          TaskStatus.PENDING_RETRY,
              EnumSet.of(TaskStatus.RETRYING, TaskStatus.FAILED, TaskStatus.CANCELLED),
          TaskStatus.RETRYING,
              EnumSet.of(TaskStatus.PROCESSING, TaskStatus.FAILED, TaskStatus.CANCELLED),
          TaskStatus.COMPLETED, EnumSet.noneOf(TaskStatus.class),
          TaskStatus.FAILED, EnumSet.of(TaskStatus.QUEUED),
          TaskStatus.CANCELLED, EnumSet.of(TaskStatus.QUEUED));

  @Test
  void jobTransitionsAreExactlyTheDocumentedOnes() {
    for (JobStatus from : JobStatus.values()) {
      assertEquals(JOB.get(from), from.allowedNext(), "from " + from);
      for (JobStatus to : JobStatus.values()) {
        assertEquals(JOB.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
      }
    }
  }

  @Test
  void taskTransitionsAreExactlyTheDocumentedOnes() {
    for (TaskStatus from : TaskStatus.values()) {
      assertEquals(TASK.get(from), from.allowedNext(), "from " + from);
      for (TaskStatus to : TaskStatus.values()) {
        assertEquals(TASK.get(from).contains(to), from.canMoveTo(to), from + " -> " + to);
      }
    }
  }

  @Test
  void terminalStates() {
    assertEquals(
        EnumSet.of(COMPLETED, FAILED, COMPLETED_WITH_ERRORS, CANCELLED),
        EnumSet.copyOf(
            java.util.Arrays.stream(JobStatus.values()).filter(JobStatus::isTerminal).toList()));
    assertEquals(
        EnumSet.of(TaskStatus.COMPLETED, TaskStatus.FAILED, TaskStatus.CANCELLED),
        EnumSet.copyOf(
            java.util.Arrays.stream(TaskStatus.values()).filter(TaskStatus::isTerminal).toList()));
  }

  @Test
  void nothingLeavesCompleted() {
    assertTrue(COMPLETED.allowedNext().isEmpty());
    assertTrue(TaskStatus.COMPLETED.allowedNext().isEmpty());
    assertFalse(COMPLETED.canMoveTo(PROCESSING));
    assertFalse(COMPLETED.canMoveTo(QUEUED));
    assertFalse(TaskStatus.COMPLETED.canMoveTo(TaskStatus.QUEUED));
  }

  @Test
  void noStatusMovesToItself() {
    for (JobStatus s : JobStatus.values()) {
      assertFalse(s.canMoveTo(s), s.name());
    }
    for (TaskStatus s : TaskStatus.values()) {
      assertFalse(s.canMoveTo(s), s.name());
    }
  }

  @Test
  void onlyQueuedAndRetryingTasksAreClaimable() {
    assertEquals(EnumSet.of(TaskStatus.QUEUED, TaskStatus.RETRYING), TaskStatus.CLAIMABLE);
    for (TaskStatus s : TaskStatus.CLAIMABLE) {
      assertTrue(s.canMoveTo(TaskStatus.PROCESSING), s.name());
    }
  }

  @Test
  void sqlLabelsRoundTrip() {
    assertEquals("completed_with_errors", COMPLETED_WITH_ERRORS.sqlValue());
    assertEquals("pending_retry", TaskStatus.PENDING_RETRY.sqlValue());
    for (JobStatus s : JobStatus.values()) {
      assertEquals(s, JobStatus.fromSql(s.sqlValue()));
    }
    for (TaskStatus s : TaskStatus.values()) {
      assertEquals(s, TaskStatus.fromSql(s.sqlValue()));
    }
    assertThrows(IllegalArgumentException.class, () -> JobStatus.fromSql("running"));
  }
}
