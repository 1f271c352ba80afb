package io.geomachine.core.admin;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.vertx.pgclient.PgException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs an operation's steps in order and records each one. The first failure stops the operation:
 * every later step is recorded as skipped, so the report says what ran, what failed and what did
 * not run.
 */
final class Steps {
  private static final Logger LOG = Logger.getLogger(Steps.class);

  /** A step's work; what it returns becomes the step's detail. */
  interface Body {
    Map<String, Object> run() throws Exception;
  }

  /** Thrown by a step that finds it has nothing to do (recorded as skipped, with the reason). */
  static final class Skip extends RuntimeException {
    Skip(String reason) {
      super(reason, null, false, false);
    }
  }

  private final AdminOperation operation;
  private final String database;
  private final Instant started = Instant.now();
  private final long startNanos = System.nanoTime();
  private final List<StepResult> results = new ArrayList<>();
  private String failedStep;
  private String error;

  Steps(AdminOperation operation, String database) {
    this.operation = operation;
    this.database = database;
  }

  void run(String name, Body body) {
    if (failedStep != null) {
      results.add(
          new StepResult(
              name, StepResult.SKIPPED, 0, "not run: step " + failedStep + " failed", null, null));
      return;
    }
    long t0 = System.nanoTime();
    try {
      Map<String, Object> detail = body.run();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      results.add(new StepResult(name, StepResult.OK, ms, null, null, detail));
      LOG.infof("%s on %s: step %s ok (%d ms)", operation.wireName(), database, name, ms);
    } catch (Skip s) {
      results.add(
          new StepResult(
              name,
              StepResult.SKIPPED,
              (System.nanoTime() - t0) / 1_000_000,
              s.getMessage(),
              null,
              null));
    } catch (Exception e) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      failedStep = name;
      error = describe(e);
      Map<String, Object> detail = e instanceof AdminException a ? a.detail() : null;
      results.add(new StepResult(name, StepResult.FAILED, ms, null, error, detail));
      LOG.errorf(
          e instanceof AdminException ? null : e,
          "%s on %s: step %s failed: %s",
          operation.wireName(),
          database,
          name,
          error);
    }
  }

  void skip(String name, String reason) {
    results.add(new StepResult(name, StepResult.SKIPPED, 0, reason, null, null));
  }

  boolean failed() {
    return failedStep != null;
  }

  OperationReport report(Map<String, Object> result) {
    return new OperationReport(
        operation.wireName(),
        operation.destructive(),
        database,
        failedStep == null ? OperationReport.SUCCEEDED : OperationReport.FAILED,
        started.toString(),
        (System.nanoTime() - startNanos) / 1_000_000,
        failedStep,
        error,
        List.copyOf(results),
        result == null ? null : new LinkedHashMap<>(result));
  }

  /** The report; when a step failed, OPERATION_FAILED with the report in the details. */
  OperationReport reportOrThrow(Map<String, Object> result) {
    OperationReport report = report(result);
    if (!report.succeeded()) {
      throw new GeoMachineException(
          ErrorCode.OPERATION_FAILED,
          operation.wireName() + " failed at step " + failedStep + ": " + error,
          List.of(),
          Map.of("report", AdminJson.toMap(report)),
          null);
    }
    return report;
  }

  static String describe(Throwable e) {
    if (e instanceof PgException pg) {
      return pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
    }
    if (e instanceof AdminException || e instanceof GeoMachineException) {
      return e.getMessage();
    }
    Throwable cause = e.getCause();
    if (cause instanceof PgException) {
      return describe(cause);
    }
    return e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
