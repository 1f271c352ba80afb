package io.geomachine.worker.raster.engine;

import io.geomachine.core.process.ProcessRunner;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a raster's metadata with {@code gdalinfo -json} and statistics from a sampled read: the
 * file itself when it is small, else a decimated copy of at most {@value #SAMPLE_SIZE} pixels a
 * side (nearest neighbour, so class values survive). Reading the sample also proves the pixels are
 * readable, which catches truncated files whose header is intact.
 */
public final class RasterInspector {
  static final int SAMPLE_SIZE = 512;
  private static final Pattern TOP_LEVEL_EPSG = Pattern.compile("ID\\[\"EPSG\",(\\d+)\\]\\]\\s*$");

  private final Gdal gdal;

  public RasterInspector(Gdal gdal) {
    this.gdal = gdal;
  }

  /** {@link #inspect(Path, Path)} of a local file, its sample written next to it. */
  public RasterInfo inspect(Path file) throws InterruptedException, TaskFailure {
    return inspect(file, file.toAbsolutePath().getParent());
  }

  /**
   * Metadata and sampled statistics of a source wherever GDAL reads it (a {@code /vsiaz/} path
   * included), the sample written into {@code workDir}; FILE_UNREADABLE when GDAL cannot open or
   * read it. Neither memory, local disk nor the bytes read grow with the source (see {@link
   * #writeSample}).
   */
  public RasterInfo inspect(Path source, Path workDir) throws InterruptedException, TaskFailure {
    return inspect(source, workDir, null);
  }

  /** {@link #inspect(Path, Path)} with the source's {@code gdalinfo -json} when already read. */
  public RasterInfo inspect(Path source, Path workDir, JsonObject metadata)
      throws InterruptedException, TaskFailure {
    String label = source.getFileName().toString();
    JsonObject meta = metadata != null ? metadata : gdal.info(source, label);
    RasterInfo info = parse(meta, size(source));
    if (info.bands().isEmpty()) {
      throw TaskFailure.permanent(RasterCodes.FILE_UNREADABLE, label + " has no raster bands");
    }
    if (info.bands().stream().anyMatch(b -> GdalDataTypes.isComplex(b.dataType()))) {
      return info; // statistics of complex bands mean nothing; validation rejects them
    }
    // an exact histogram (distinct class values) only for 8-bit data; GDAL cannot bin a constant
    // floating-point band ("dfMax should be strictly greater than dfMin")
    String[] statsOptions =
        info.dataTypes().equals(List.of("Byte"))
            ? new String[] {"-stats", "-hist"}
            : new String[] {"-stats"};
    JsonObject stats;
    if ((long) info.width() * info.height() <= (long) SAMPLE_SIZE * SAMPLE_SIZE) {
      stats = gdal.info(source, label, statsOptions);
    } else {
      Path sample = workDir.resolve(label + ".sample.tif");
      try {
        writeSample(source, info, sample, label);
        stats = gdal.info(sample, label, statsOptions);
      } finally {
        deleteQuietly(sample);
      }
    }
    return withStatistics(info, stats);
  }

  /** Metadata only (no pixel read): cheap, for checking a COG just written. */
  public RasterInfo metadata(Path file) throws InterruptedException, TaskFailure {
    return parse(gdal.info(file, file.getFileName().toString()), size(file));
  }

  static RasterInfo parse(JsonObject j, long fileSize) {
    JsonArray size = j.getJsonArray("size");
    int width = size.getInteger(0);
    int height = size.getInteger(1);
    String wkt = null;
    JsonObject cs = j.getJsonObject("coordinateSystem");
    if (cs != null && cs.getString("wkt") != null && !cs.getString("wkt").isBlank()) {
      wkt = cs.getString("wkt");
    }
    double[] gt = RasterInfo.doubles(j.getJsonArray("geoTransform"));
    double[] bounds = cornerBounds(j.getJsonObject("cornerCoordinates"), width, height);
    double[] bbox = wgs84Bbox(j.getJsonObject("wgs84Extent"));
    JsonObject structure =
        j.getJsonObject("metadata", new JsonObject())
            .getJsonObject("IMAGE_STRUCTURE", new JsonObject());
    List<BandInfo> bands = new ArrayList<>();
    int blockW = 0;
    int blockH = 0;
    int overviews = 0;
    for (Object o : j.getJsonArray("bands", new JsonArray())) {
      JsonObject b = (JsonObject) o;
      if (bands.isEmpty()) {
        JsonArray block = b.getJsonArray("block");
        if (block != null) {
          blockW = block.getInteger(0);
          blockH = block.getInteger(1);
        }
        overviews = b.getJsonArray("overviews", new JsonArray()).size();
      }
      JsonObject colorTable = b.getJsonObject("colorTable");
      bands.add(
          new BandInfo(
              b.getInteger("band"),
              b.getString("type"),
              number(b.getValue("noDataValue")),
              b.getString("colorInterpretation"),
              b.getString("description"),
              colorTable == null ? 0 : colorTable.getInteger("count", 0),
              null,
              null,
              null,
              null,
              null));
    }
    return new RasterInfo(
        j.getString("driverShortName"),
        width,
        height,
        List.copyOf(bands),
        wkt == null ? null : epsgOf(wkt),
        wkt,
        gt,
        bounds,
        bbox,
        overviews,
        blockW,
        blockH,
        structure.getString("COMPRESSION"),
        structure.getString("INTERLEAVE"),
        structure.getString("LAYOUT"),
        fileSize);
  }

  /** The EPSG code of the CRS itself (WKT2 puts the CRS's ID last), or null. */
  public static Integer epsgOf(String wkt) {
    Matcher m = TOP_LEVEL_EPSG.matcher(wkt.strip());
    if (m.find()) {
      return Integer.valueOf(m.group(1));
    }
    // WKT1: AUTHORITY["EPSG","32633"]]
    Matcher m1 = Pattern.compile("AUTHORITY\\[\"EPSG\",\"(\\d+)\"\\]\\]\\s*$").matcher(wkt.strip());
    return m1.find() ? Integer.valueOf(m1.group(1)) : null;
  }

  static RasterInfo withStatistics(RasterInfo info, JsonObject stats) {
    JsonArray sb = stats.getJsonArray("bands", new JsonArray());
    List<BandInfo> bands = new ArrayList<>();
    for (BandInfo b : info.bands()) {
      JsonObject s = b.index() - 1 < sb.size() ? sb.getJsonObject(b.index() - 1) : new JsonObject();
      Integer distinct = null;
      JsonObject hist = s.getJsonObject("histogram");
      if (hist != null && "Byte".equals(b.dataType()) && hist.getInteger("count", 0) == 256) {
        int n = 0;
        for (Object c : hist.getJsonArray("buckets", new JsonArray())) {
          if (((Number) c).longValue() > 0) {
            n++;
          }
        }
        distinct = n;
      }
      bands.add(
          new BandInfo(
              b.index(),
              b.dataType(),
              b.nodata(),
              b.colorInterpretation(),
              b.description(),
              b.colorTableEntries(),
              number(s.getValue("minimum")),
              number(s.getValue("maximum")),
              number(s.getValue("mean")),
              number(s.getValue("stdDev")),
              distinct));
    }
    return new RasterInfo(
        info.driver(),
        info.width(),
        info.height(),
        List.copyOf(bands),
        info.epsg(),
        info.wkt(),
        info.geoTransform(),
        info.boundsNative(),
        info.bbox4326(),
        info.overviewCount(),
        info.blockWidth(),
        info.blockHeight(),
        info.compression(),
        info.interleave(),
        info.layout(),
        info.fileSizeBytes());
  }

  private static double[] cornerBounds(JsonObject corners, int width, int height) {
    if (corners == null) {
      return new double[] {0, 0, width, height};
    }
    double minx = Double.POSITIVE_INFINITY;
    double miny = Double.POSITIVE_INFINITY;
    double maxx = Double.NEGATIVE_INFINITY;
    double maxy = Double.NEGATIVE_INFINITY;
    for (String k : List.of("upperLeft", "lowerLeft", "lowerRight", "upperRight")) {
      JsonArray p = corners.getJsonArray(k);
      if (p == null) {
        continue;
      }
      double x = ((Number) p.getValue(0)).doubleValue();
      double y = ((Number) p.getValue(1)).doubleValue();
      minx = Math.min(minx, x);
      miny = Math.min(miny, y);
      maxx = Math.max(maxx, x);
      maxy = Math.max(maxy, y);
    }
    return Double.isInfinite(minx) ? null : new double[] {minx, miny, maxx, maxy};
  }

  private static double[] wgs84Bbox(JsonObject extent) {
    if (extent == null) {
      return null;
    }
    double minx = Double.POSITIVE_INFINITY;
    double miny = Double.POSITIVE_INFINITY;
    double maxx = Double.NEGATIVE_INFINITY;
    double maxy = Double.NEGATIVE_INFINITY;
    for (Object ring : extent.getJsonArray("coordinates", new JsonArray())) {
      for (Object p : (JsonArray) ring) {
        JsonArray xy = (JsonArray) p;
        double x = ((Number) xy.getValue(0)).doubleValue();
        double y = ((Number) xy.getValue(1)).doubleValue();
        minx = Math.min(minx, x);
        miny = Math.min(miny, y);
        maxx = Math.max(maxx, x);
        maxy = Math.max(maxy, y);
      }
    }
    return Double.isInfinite(minx) ? null : new double[] {minx, miny, maxx, maxy};
  }

  /** A JSON number, or a string GDAL uses for special values ("nan", "inf"); null when absent. */
  static Double number(Object v) {
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof String s) {
      try {
        return Double.valueOf(s.equalsIgnoreCase("nan") ? "NaN" : s);
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // in the task's work directory, which is deleted as a whole
    }
  }

  /**
   * Writes a sample of {@code source} at most {@value #SAMPLE_SIZE} pixels a side to {@code
   * sample}: statistics from it cost one bounded read, whatever the source's size. A small source,
   * or one with overviews, is decimated (nearest neighbour, so class values survive); decimating a
   * big source without overviews would read every block of it, so its sample is a grid of
   * full-resolution windows instead ({@link BlockSample}), which reads a few dozen blocks. Both
   * include the image's last rows and columns, where a truncated file's missing blocks are. A
   * source GDAL cannot read is FILE_UNREADABLE.
   */
  void writeSample(Path source, RasterInfo info, Path sample, String label)
      throws InterruptedException, TaskFailure {
    List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "GTiff"));
    Path vrt = null;
    if (BlockSample.worthIt(info, SAMPLE_SIZE)) {
      vrt = sample.resolveSibling(label + ".sample.vrt");
      BlockSample.write(source, info, SAMPLE_SIZE, vrt);
      cmd.add(vrt.toString());
    } else {
      double scale = Math.min(1.0, (double) SAMPLE_SIZE / Math.max(info.width(), info.height()));
      int w = Math.max(1, (int) Math.round(info.width() * scale));
      int h = Math.max(1, (int) Math.round(info.height() * scale));
      cmd.addAll(
          List.of(
              "-r", "near", "-outsize", String.valueOf(w), String.valueOf(h), source.toString()));
    }
    cmd.add(sample.toString());
    try {
      ProcessRunner.Result r = gdal.run(cmd);
      if (!r.ok() || r.output().contains("ERROR ")) {
        throw Gdal.readFailure(
            RasterCodes.FILE_UNREADABLE,
            label + " could not be read: " + Gdal.firstError(r.output()),
            r.output());
      }
    } finally {
      if (vrt != null) {
        deleteQuietly(vrt);
      }
    }
  }
}
