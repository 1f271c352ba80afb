package io.geomachine.worker.raster.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides what a raster holds from its bands (count, data types, colour interpretation, palette)
 * and its sampled statistics, and says why, so users can see the evidence and override it.
 */
public final class RasterTypeDetector {
  /** At most this many distinct 8-bit values in the sample reads as class values. */
  static final int MAX_CLASSES = 32;

  public record Detection(RasterType type, List<String> evidence) {}

  public Detection detect(RasterInfo info) {
    List<String> ev = new ArrayList<>();
    List<BandInfo> bands = info.bands();
    int n = bands.size();
    String type = info.dataType();
    ev.add(n + " band(s) of " + String.join("/", info.dataTypes()));
    if (n == 1) {
      BandInfo b = bands.get(0);
      if (b.hasColorTable()) {
        ev.add("band 1 has a palette (color table with " + b.colorTableEntries() + " entries)");
        return new Detection(RasterType.CATEGORICAL, ev);
      }
      if (mentionsNir(b)) {
        ev.add("band 1 is described as near infrared ('" + describe(b) + "')");
        return new Detection(RasterType.NIR, ev);
      }
      if (b.distinctValues() != null && b.distinctValues() <= MAX_CLASSES) {
        ev.add(
            "only " + b.distinctValues() + " distinct 8-bit values in the sample (class values)");
        return new Detection(RasterType.CATEGORICAL, ev);
      }
      if (GdalDataTypes.isFloat(type)) {
        ev.add("a single floating-point band: continuous surface (elevation-like)");
      } else {
        ev.add("a single continuous integer band: treated as a continuous surface");
      }
      return new Detection(RasterType.DEM, ev);
    }
    if ("Byte".equals(type) && (n == 3 || n == 4)) {
      if (n == 4 && "Alpha".equalsIgnoreCase(bands.get(3).colorInterpretation())) {
        ev.add("band 4 is an alpha band");
        return new Detection(RasterType.RGBA, ev);
      }
      if (n == 4 && looksLikeAlpha(bands.get(3))) {
        ev.add("band 4 holds only 0/255 in the sample (a mask)");
        return new Detection(RasterType.RGBA, ev);
      }
      if (n == 3) {
        ev.add(
            colorInterps(bands).equals("Red,Green,Blue")
                ? "bands are Red, Green, Blue"
                : "three 8-bit bands (" + colorInterps(bands) + ")");
        return new Detection(RasterType.RGB, ev);
      }
    }
    if (bands.stream().anyMatch(RasterTypeDetector::mentionsNir)) {
      ev.add("a band is described as near infrared");
    }
    ev.add(n + " bands that are not 8-bit RGB(A): spectral bands");
    return new Detection(RasterType.MULTISPECTRAL, ev);
  }

  /**
   * Why the declared type cannot describe this raster, or null when it can. A declared type that
   * fits wins over detection (users know their data; e.g. a 1-band 8-bit land-cover raster).
   */
  public String mismatch(RasterType declared, RasterInfo info) {
    int n = info.bandCount();
    String type = info.dataType();
    return switch (declared) {
      case RGB -> n == 3 || n == 4 ? null : "rgb needs 3 bands, the file has " + n;
      case RGBA -> n == 4 ? null : "rgba needs 4 bands (the 4th alpha), the file has " + n;
      case DEM -> n == 1 ? null : "dem needs 1 band, the file has " + n;
      case NIR -> n >= 1 && n <= 2 ? null : "nir needs 1 band, the file has " + n;
      case CATEGORICAL ->
          n != 1
              ? "categorical needs 1 band of class values, the file has " + n
              : GdalDataTypes.isInteger(type)
                  ? null
                  : "categorical needs integer class values, the band is " + type;
      case MULTISPECTRAL -> n >= 2 ? null : "multispectral needs 2 or more bands, the file has 1";
    };
  }

  private static boolean mentionsNir(BandInfo b) {
    String d = describe(b).toLowerCase(Locale.ROOT);
    return d.contains("nir") || d.contains("infrared");
  }

  private static String describe(BandInfo b) {
    return (b.description() == null ? "" : b.description())
        + " "
        + (b.colorInterpretation() == null ? "" : b.colorInterpretation());
  }

  private static boolean looksLikeAlpha(BandInfo b) {
    return b.distinctValues() != null
        && b.distinctValues() <= 2
        && b.minimum() != null
        && b.maximum() != null
        && (b.minimum() == 0 || b.minimum() == 255)
        && (b.maximum() == 0 || b.maximum() == 255);
  }

  private static String colorInterps(List<BandInfo> bands) {
    return String.join(",", bands.stream().map(BandInfo::colorInterpretation).toList());
  }
}
