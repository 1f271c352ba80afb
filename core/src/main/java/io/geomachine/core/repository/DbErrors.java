package io.geomachine.core.repository;

import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import io.geomachine.core.schema.AppSchemaGenerator;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;

/** Database errors to domain errors: the one place this translation happens. */
public final class DbErrors {
  private DbErrors() {}

  /** A unique or primary-key violation (someone else inserted the same key first). */
  public static boolean isUniqueViolation(Throwable t) {
    return t instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  public static Throwable translate(Throwable t) {
    if (t instanceof GeoMachineException) {
      return t;
    }
    if (t instanceof PgException pg) {
      String state = pg.getSqlState();
      if (AppSchemaGenerator.ILLEGAL_TRANSITION_SQLSTATE.equals(state)) {
        return domain(ErrorCode.INVALID_STATE, pg.getErrorMessage(), t);
      }
      if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
        return domain(
            ErrorCode.STORE_UNAVAILABLE, "database unavailable: " + pg.getErrorMessage(), t);
      }
      if ("3F000".equals(state) || "42P01".equals(state) || "42883".equals(state)) {
        return domain(
            ErrorCode.STORE_UNAVAILABLE,
            "the app schema is missing or out of date (" + pg.getErrorMessage() + "); deploy it",
            t);
      }
      return t;
    }
    if (t instanceof ConnectException
        || t instanceof io.vertx.core.VertxException
            && String.valueOf(t.getMessage()).contains("closed")) {
      return domain(ErrorCode.STORE_UNAVAILABLE, "database unavailable: " + t.getMessage(), t);
    }
    return t;
  }

  private static GeoMachineException domain(ErrorCode code, String message, Throwable cause) {
    return new GeoMachineException(code, message, List.of(), Map.of(), cause);
  }
}
