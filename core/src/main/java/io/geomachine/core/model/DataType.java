package io.geomachine.core.model;

import io.geomachine.core.schema.PgEnum;
import io.geomachine.core.schema.SqlValue;
import java.util.Locale;

/** Kind of data a platform request carries. */
@PgEnum("data_type")
public enum DataType implements SqlValue {
  RASTER,
  VECTOR,
  POINTCLOUD,
  MESH_3D,
  TABULAR;

  @Override
  public String sqlValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
