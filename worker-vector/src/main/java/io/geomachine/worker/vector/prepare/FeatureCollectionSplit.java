package io.geomachine.worker.vector.prepare;

import io.vertx.core.json.JsonObject;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Cuts a GeoJSON FeatureCollection into GeoJSONSeq parts (one feature per line) so that several
 * GDAL processes convert it at once, as a GeoJSONSeq source is cut ({@link SourceSplit}). GDAL's
 * GeoJSON driver parses a whole collection to learn its schema before it reads a feature, on one
 * core; its GeoJSONSeq driver reads the same features with the same feature reader.
 *
 * <p>Only a collection GDAL would read exactly like its features one by one is cut: a top-level
 * object with {@code "type": "FeatureCollection"}, a {@code features} array of objects, and
 * otherwise only {@code name}, {@code bbox}, {@code description} and a {@code crs} naming OGC CRS84
 * (what GeoJSONSeq assumes). Anything else (another CRS, foreign members, a raw line break inside a
 * string, a file that ends early) is not cut: the caller probes and converts the file whole. The
 * parts' layer name is the source's file name; their schema is checked part by part like any
 * GeoJSONSeq part's.
 */
final class FeatureCollectionSplit {
  private static final Set<String> HARMLESS = Set.of("name", "bbox", "description");

  /** How GeoJSON (RFC 7946's predecessor, 2008) names longitude/latitude on WGS 84. */
  static final Set<String> CRS84 =
      Set.of("urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84");

  private static final byte[] FEATURE_TYPE = "\"Feature\"".getBytes(StandardCharsets.US_ASCII);
  private static final int SAMPLE = 1 << 20;

  /** The collection is not one this cuts. */
  static final class NotSplittable extends Exception {
    NotSplittable(String message) {
      super(message, null, false, false);
    }
  }

  private FeatureCollectionSplit() {}

  /**
   * The collection cut into up to {@code parallelism} GeoJSONSeq parts of a whole number of chunks
   * each (the last takes the rest), written under {@code workDir}; null when it is not cut.
   */
  static SourceSplit.Plan raw(
      SourceFiles.LocalSource source, int parallelism, long minBytes, int chunkSize, Path workDir)
      throws IOException {
    Path file = source.dataset();
    long size = Files.size(file);
    if (!SourceSplit.worthSplitting(size, parallelism, minBytes)
        || !source.openOptions().isEmpty()) {
      return null;
    }
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(SAMPLE);
    }
    // features per byte from the head: "Feature" in quotes once per feature (a property value that
    // says "Feature" only skews the estimate, which decides the part sizes, not what goes in them)
    long inHead = occurrences(head, FEATURE_TYPE);
    if (inHead < 2) {
      return null;
    }
    double estimatedChunks = (double) inHead * size / head.length / Math.max(1, chunkSize);
    PartLayout layout = PartLayout.of(estimatedChunks, parallelism);
    if (layout == null) {
      return null;
    }
    long featuresPerPart = (long) layout.chunksPerPart() * chunkSize;
    String name = file.getFileName().toString();
    String partName = name.substring(0, name.lastIndexOf('.')) + ".geojsonl";
    List<Path> files;
    try (InputStream in = Files.newInputStream(file)) {
      files = new Cutter(in, workDir, partName, featuresPerPart, layout.parts()).cut();
    } catch (NotSplittable e) {
      VectorPrepareHandler.deleteTree(workDir);
      return null;
    }
    if (files.size() < 2) {
      VectorPrepareHandler.deleteTree(workDir);
      return null;
    }
    return layout.plan(files, List.of(), 0);
  }

  private static long occurrences(byte[] b, byte[] what) {
    long n = 0;
    outer:
    for (int i = 0; i + what.length <= b.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      n++;
    }
    return n;
  }

  /**
   * One pass over the collection: checks its top-level members and writes each feature of the
   * {@code features} array, as its bytes with line breaks turned into spaces (only whitespace can
   * hold one), as one line of the current part file; after {@code featuresPerPart} features the
   * next part begins, up to {@code parts} parts.
   */
  static final class Cutter {
    private final ReadBuffer in;
    private final Path workDir;
    private final String partName;
    private final long featuresPerPart;
    private final int parts;
    private final List<Path> files = new ArrayList<>();

    Cutter(InputStream in, Path workDir, String partName, long featuresPerPart, int parts) {
      this.in = new ReadBuffer(in);
      this.workDir = workDir;
      this.partName = partName;
      this.featuresPerPart = featuresPerPart;
      this.parts = parts;
    }

    /** The part files, in order. */
    List<Path> cut() throws IOException, NotSplittable {
      int c = nextNonSpace();
      if (c == 0xEF) { // a UTF-8 byte order mark
        if (in.next() != 0xBB || in.next() != 0xBF) {
          throw new NotSplittable("not JSON");
        }
        c = nextNonSpace();
      }
      if (c != '{') {
        throw new NotSplittable("not a JSON object");
      }
      boolean collection = false;
      boolean features = false;
      c = nextNonSpace();
      while (c != '}') {
        if (c != '"') {
          throw new NotSplittable("a member name was expected");
        }
        String key = string();
        if (nextNonSpace() != ':') {
          throw new NotSplittable("':' was expected");
        }
        switch (key) {
          case "type" -> collection = "\"FeatureCollection\"".equals(smallValue());
          case "features" -> {
            features(nextNonSpace());
            features = true;
          }
          case "crs" -> {
            if (!crs84(smallValue())) {
              throw new NotSplittable("the collection names a CRS other than CRS84");
            }
          }
          default -> {
            if (!HARMLESS.contains(key)) {
              throw new NotSplittable("the collection has a member '" + key + "'");
            }
            value(nextNonSpace(), null);
          }
        }
        c = nextNonSpace();
        if (c == ',') {
          c = nextNonSpace();
        } else if (c != '}') {
          throw new NotSplittable("',' or '}' was expected");
        }
      }
      if (nextNonSpace() != -1) {
        throw new NotSplittable("something follows the collection");
      }
      if (!collection || !features) {
        throw new NotSplittable("not a FeatureCollection with features");
      }
      return files;
    }

    private static boolean crs84(String json) {
      try {
        JsonObject crs = new JsonObject(json);
        JsonObject properties = crs.getJsonObject("properties");
        return "name".equals(crs.getString("type"))
            && properties != null
            && CRS84.contains(properties.getString("name"));
      } catch (RuntimeException e) { // not an object, or a member of another type
        return false;
      }
    }

    /** The features array, {@code c} its first byte: every element an object, one per line. */
    private void features(int c) throws IOException, NotSplittable {
      if (c != '[') {
        throw new NotSplittable("features is not an array");
      }
      long written = 0;
      OutputStream out = null;
      try {
        c = nextNonSpace();
        while (c != ']') {
          if (c != '{') {
            throw new NotSplittable("a feature is not a JSON object");
          }
          if (out == null || (written % featuresPerPart == 0 && files.size() < parts)) {
            if (out != null) {
              out.close();
            }
            out = open();
          }
          out.write('{');
          value(c, out);
          out.write('\n');
          written++;
          c = nextNonSpace();
          if (c == ',') {
            c = nextNonSpace();
          } else if (c != ']') {
            throw new NotSplittable("',' or ']' was expected in features");
          }
        }
      } finally {
        if (out != null) {
          out.close();
        }
      }
    }

    private OutputStream open() throws IOException {
      return new BufferedOutputStream(
          Files.newOutputStream(SourceSplit.nextPartFile(workDir, files, partName)), 1 << 16);
    }

    /** A member value small enough to hold (type, crs), as its JSON text. */
    private String smallValue() throws IOException, NotSplittable {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c = nextNonSpace();
      b.write(c);
      value(c, b);
      return b.toString(StandardCharsets.UTF_8);
    }

    /**
     * Skips (copying to {@code out} when not null) the rest of the value whose first byte {@code
     * first} was read already: an object or array to its matching end, a string to its closing
     * quote, a number or literal to the byte before the next delimiter.
     */
    private void value(int first, OutputStream out) throws IOException, NotSplittable {
      if (first == '{' || first == '[') {
        composite(out, false);
      } else if (first == '"') {
        composite(out, true);
      } else if (first == '-' || (first >= '0' && first <= '9') || (first >= 'a' && first <= 'z')) {
        while (true) {
          if (in.pos == in.limit && !in.fill()) {
            return;
          }
          byte c = in.buf[in.pos];
          if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            return;
          }
          in.pos++;
          if (out != null) {
            out.write(c);
          }
        }
      } else {
        throw new NotSplittable("a JSON value was expected");
      }
    }

    /**
     * The rest of an object or array (depth 1 already entered), or of a string when {@code
     * inString}: copied in runs, with line breaks outside strings turned into spaces.
     */
    private void composite(OutputStream out, boolean inString) throws IOException, NotSplittable {
      int depth = inString ? 0 : 1;
      boolean escaped = false;
      // the buffer's position in locals: this loop runs over every byte of the collection
      byte[] buf = in.buf;
      int pos = in.pos;
      int limit = in.limit;
      int run = pos;
      while (true) {
        if (pos == limit) {
          if (out != null) {
            out.write(buf, run, pos - run);
          }
          if (!in.fill()) {
            throw new NotSplittable("the file ends inside a value");
          }
          pos = in.pos;
          limit = in.limit;
          run = pos;
        }
        byte c = buf[pos++];
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (c == '\\') {
            escaped = true;
          } else if (c == '"') {
            inString = false;
            if (depth == 0) {
              break;
            }
          } else if (c == '\n' || c == '\r') {
            throw new NotSplittable("a line break inside a string");
          }
        } else if (c == '"') {
          inString = true;
        } else if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          if (--depth == 0) {
            break;
          }
        } else if (c == '\n' || c == '\r') {
          buf[pos - 1] = ' ';
        }
      }
      in.pos = pos;
      if (out != null) {
        out.write(buf, run, pos - run);
      }
    }

    /** A member name (the opening quote read already). */
    private String string() throws IOException, NotSplittable {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      composite(b, true);
      byte[] quoted = b.toByteArray();
      // as written: a name with escapes is none of those this looks for
      return new String(quoted, 0, quoted.length - 1, StandardCharsets.UTF_8);
    }

    private int nextNonSpace() throws IOException {
      while (true) {
        int c = in.next();
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return c;
        }
      }
    }
  }
}
