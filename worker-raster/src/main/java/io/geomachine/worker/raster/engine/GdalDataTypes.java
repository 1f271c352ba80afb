package io.geomachine.worker.raster.engine;

import java.util.Set;

/** Facts about GDAL's band data type names ({@code Byte}, {@code Float32}, {@code CInt16}...). */
public final class GdalDataTypes {
  private static final Set<String> SIXTY_FOUR_BIT = Set.of("Float64", "Int64", "UInt64");
  private static final Set<String> FLOATS = Set.of("Float32", "Float64");

  private GdalDataTypes() {}

  /**
   * Complex types (CInt16, CInt32, CFloat32, CFloat64): no COG tier or STAC client handles them.
   */
  public static boolean isComplex(String type) {
    return type != null && type.startsWith("C") && !type.isEmpty();
  }

  public static boolean is64Bit(String type) {
    return SIXTY_FOUR_BIT.contains(type);
  }

  public static boolean isFloat(String type) {
    return FLOATS.contains(type);
  }

  public static boolean isInteger(String type) {
    return type != null && !isComplex(type) && !isFloat(type) && !"Unknown".equals(type);
  }

  /**
   * The TIFF predictor for DEFLATE/ZSTD/LZW: floating point (3) for floats, horizontal (2) else.
   */
  public static String predictor(String type) {
    return isFloat(type) ? "FLOATING_POINT" : "STANDARD";
  }

  /** The STAC raster extension's data_type name (int8, uint16, float32, cint16...). */
  public static String stacDataType(String type) {
    if (type == null) {
      return "other";
    }
    return switch (type) {
      case "Byte" -> "uint8";
      case "Int8" -> "int8";
      case "UInt16" -> "uint16";
      case "Int16" -> "int16";
      case "UInt32" -> "uint32";
      case "Int32" -> "int32";
      case "UInt64" -> "uint64";
      case "Int64" -> "int64";
      case "Float32" -> "float32";
      case "Float64" -> "float64";
      case "CInt16" -> "cint16";
      case "CInt32" -> "cint32";
      case "CFloat32" -> "cfloat32";
      case "CFloat64" -> "cfloat64";
      default -> "other";
    };
  }
}
