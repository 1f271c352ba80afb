package io.geomachine.worker.vector.prepare;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Cuts a line-oriented source (CSV, GeoJSONSeq) into parts at record boundaries, so that several
 * ogr2ogr processes convert it at once. Each part holds a whole number of chunks' worth of records
 * ({@link Part#chunks} x chunk size; the last part takes the rest), so part {@code p}'s chunks get
 * the indexes {@code firstChunk..firstChunk+chunks-1}, the same chunks one process would write.
 *
 * <p>Every part must read with the same column types as the whole file: a CSV part gets a {@code
 * .csvt} naming the probed types (and no type detection); a GeoJSONSeq part starts with a
 * null-geometry "schema feature" carrying a value of each probed type, first, in the probed order
 * (GDAL widens a field's type to hold every value, so the part's type is the whole file's). That
 * feature's row is dropped like any null geometry ({@link #nullRowsPerPart}). Sources this cannot
 * be sure about (other separators, quoted header, types outside a small safe set, pretty-printed
 * JSON) are not split.
 */
final class SourceSplit {
  /**
   * One part: its own folder, holding the part under the source's file name (same layer name), or
   * the source itself read through {@code where} (a feature id range, see {@link FidSplit}).
   */
  record Part(
      int number,
      Path dir,
      Path dataset,
      List<String> openOptions,
      int firstChunk,
      int chunks,
      boolean last,
      String where) {}

  /** A plan: the parts, and how many null-geometry rows each part adds (the schema feature). */
  record Plan(List<Part> parts, int nullRowsPerPart) {}

  private static final int SAMPLE = 1 << 20;

  private SourceSplit() {}

  /** Whether a source of {@code size} bytes is cut at all: at least 2 parts, not too small. */
  static boolean worthSplitting(long size, int parallelism, long minBytes) {
    return parallelism >= 2 && size >= Math.max(minBytes, 1);
  }

  /**
   * The parts of {@code source}, written under {@code workDir}; null when it is not split (too
   * small, one chunk, a format or schema this cannot split safely, fewer records than estimated).
   */
  static Plan plan(
      SourceFiles.LocalSource source,
      LayerProbe probe,
      int parallelism,
      long minBytes,
      int chunkSize,
      Path workDir)
      throws IOException {
    Path file = source.dataset();
    long size = Files.size(file);
    if (!worthSplitting(size, parallelism, minBytes)) {
      return null;
    }
    if (probe.fidRange() != null) {
      return FidSplit.plan(source, probe.fidRange(), parallelism, chunkSize, workDir);
    }
    byte[] head = readHead(file);
    byte[] prologue;
    List<String> options;
    String csvt = null;
    int nullRows;
    long dataStart;
    if (source.format() == SourceFormat.CSV && "CSV".equals(probe.driver())) {
      int end = indexOf(head, (byte) '\n');
      if (end < 0) {
        return null;
      }
      String header = new String(head, 0, end, StandardCharsets.UTF_8);
      csvt = PartSchemas.csvTypes(header, probe);
      if (csvt == null) {
        return null;
      }
      prologue = Arrays.copyOf(head, end + 1);
      options = withoutTypeDetection(source.openOptions());
      nullRows = 0;
      dataStart = end + 1;
    } else if (source.format() == SourceFormat.GEOJSONSEQ && "GeoJSONSeq".equals(probe.driver())) {
      JsonObject schema = PartSchemas.schemaFeature(probe);
      if (schema == null || head.length == 0 || head[0] != '{') {
        return null;
      }
      prologue = (schema.encode() + "\n").getBytes(StandardCharsets.UTF_8);
      options = source.openOptions();
      nullRows = 1;
      dataStart = 0;
    } else {
      return null;
    }
    return cut(
        file,
        size,
        head,
        dataStart,
        prologue,
        options,
        csvt,
        csvt != null,
        nullRows,
        parallelism,
        chunkSize,
        workDir);
  }

  /**
   * A CSV or GeoJSONSeq source cut into parts as they are (no .csvt, no schema feature), for
   * probing the parts at once; null when it is not split. Usable for the conversion only when every
   * part probes the same ({@link #typed}).
   */
  static Plan raw(
      SourceFiles.LocalSource source, int parallelism, long minBytes, int chunkSize, Path workDir)
      throws IOException {
    Path file = source.dataset();
    long size = Files.size(file);
    if (!worthSplitting(size, parallelism, minBytes)) {
      return null;
    }
    byte[] head = readHead(file);
    if (source.format() == SourceFormat.GEOJSONSEQ && head.length > 0 && head[0] == '{') {
      return cut(
          file,
          size,
          head,
          0,
          new byte[0],
          source.openOptions(),
          null,
          false,
          0,
          parallelism,
          chunkSize,
          workDir);
    }
    int end = indexOf(head, (byte) '\n');
    if (source.format() == SourceFormat.CSV
        && end > 0
        && PartSchemas.plainHeader(new String(head, 0, end, StandardCharsets.UTF_8)) != null) {
      return cut(
          file,
          size,
          head,
          end + 1,
          Arrays.copyOf(head, end + 1),
          source.openOptions(),
          null,
          true,
          0,
          parallelism,
          chunkSize,
          workDir);
    }
    return null;
  }

  /**
   * The raw parts ready to convert with the schema they all probed: a CSV's parts get the .csvt of
   * that schema (and no type detection); null when the CSV header is not one this splits.
   */
  static Plan typed(Plan raw, SourceFormat format, LayerProbe probe) throws IOException {
    if (format != SourceFormat.CSV) {
      return raw;
    }
    Path first = raw.parts().get(0).dataset();
    String header;
    try (java.io.BufferedReader r = Files.newBufferedReader(first, StandardCharsets.UTF_8)) {
      header = r.readLine();
    }
    String csvt = header == null ? null : PartSchemas.csvTypes(header, probe);
    if (csvt == null) {
      return null;
    }
    List<Part> parts = new ArrayList<>();
    for (Part p : raw.parts()) {
      String name = p.dataset().getFileName().toString();
      Files.writeString(
          p.dataset().resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".csvt"), csvt);
      parts.add(
          new Part(
              p.number(),
              p.dir(),
              p.dataset(),
              withoutTypeDetection(p.openOptions()),
              p.firstChunk(),
              p.chunks(),
              p.last(),
              null));
    }
    return new Plan(parts, 0);
  }

  private static List<String> withoutTypeDetection(List<String> options) {
    return options.stream()
        .filter(o -> !o.toUpperCase(Locale.ROOT).startsWith("AUTODETECT_"))
        .toList();
  }

  private static Plan cut(
      Path file,
      long size,
      byte[] head,
      long dataStart,
      byte[] prologue,
      List<String> options,
      String csvt,
      boolean csv,
      int nullRows,
      int parallelism,
      int chunkSize,
      Path workDir)
      throws IOException {
    long lines = Math.max(1, count(head, (byte) '\n') - (dataStart > 0 ? 1 : 0));
    double perRecord = Math.max(1.0, (double) (head.length - dataStart) / lines);
    double estimatedChunks = (size - dataStart) / perRecord / Math.max(1, chunkSize);
    PartLayout layout = PartLayout.of(estimatedChunks, parallelism);
    if (layout == null) {
      return null;
    }
    long recordsPerPart = (long) layout.chunksPerPart() * chunkSize;
    List<Path> files =
        write(file, dataStart, prologue, recordsPerPart, layout.parts(), csv, workDir);
    if (files == null || files.size() < 2) {
      return null;
    }
    if (csvt != null) {
      for (Path dataset : files) {
        String name = dataset.getFileName().toString();
        Files.writeString(
            dataset.resolveSibling(name.substring(0, name.lastIndexOf('.')) + ".csvt"), csvt);
      }
    }
    return layout.plan(files, options, nullRows);
  }

  /**
   * One pass over the file: records (lines; for CSV, lines outside quotes) go to part files of
   * {@code recordsPerPart} records, each starting with {@code prologue}. Null when a GeoJSONSeq cut
   * would not fall before a line starting with '{' (pretty-printed JSON).
   */
  private static List<Path> write(
      Path file,
      long dataStart,
      byte[] prologue,
      long recordsPerPart,
      int parts,
      boolean csv,
      Path workDir)
      throws IOException {
    String name = file.getFileName().toString();
    List<Path> files = new ArrayList<>();
    byte[] buf = new byte[1 << 20];
    RecordCount count = new RecordCount(recordsPerPart);
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(dataStart);
      OutputStream out = null;
      try {
        boolean checkNext = false;
        int n;
        while ((n = in.read(buf)) > 0) {
          if (checkNext && buf[0] != '{') {
            return null;
          }
          checkNext = false;
          int start = 0;
          while (start < n) {
            if (out == null) {
              out = open(workDir, files, name, prologue);
            }
            // the last part takes the rest, uncounted
            int cut = files.size() < parts ? count.partEnd(buf, start, n, csv) : -1;
            if (cut < 0) {
              out.write(buf, start, n - start);
              break;
            }
            out.write(buf, start, cut - start);
            out.close();
            out = null;
            start = cut;
            if (cut < n) {
              if (!csv && buf[cut] != '{') {
                return null;
              }
            } else {
              checkNext = !csv;
            }
          }
        }
      } finally {
        if (out != null) {
          out.close();
        }
      }
    }
    return files;
  }

  private static OutputStream open(Path workDir, List<Path> files, String name, byte[] prologue)
      throws IOException {
    OutputStream out = Files.newOutputStream(nextPartFile(workDir, files, name));
    out.write(prologue);
    return out;
  }

  /**
   * The next part's file, {@code name} in its own folder {@code part_<n>}, added to {@code files}.
   */
  static Path nextPartFile(Path workDir, List<Path> files, String name) throws IOException {
    Path dir = Files.createDirectories(workDir.resolve("part_" + files.size()));
    Path part = dir.resolve(name);
    files.add(part);
    return part;
  }

  private static byte[] readHead(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(SAMPLE);
    }
  }

  private static int indexOf(byte[] b, byte v) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private static long count(byte[] b, byte v) {
    long n = 0;
    for (byte x : b) {
      if (x == v) {
        n++;
      }
    }
    return n;
  }
}
