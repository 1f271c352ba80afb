package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.SqlValue;
import java.util.Locale;

/** Status of a platform (API) request. */
@PgEnum("platform_request_status")
public enum PlatformRequestStatus implements SqlValue {
  PENDING,
  PROCESSING,
  COMPLETED,
  FAILED;

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
