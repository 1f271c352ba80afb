package io.geomachine.worker.vector.prepare;

import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Brings a source file (and what belongs to it: a shapefile's siblings, a zip's content) into a
 * local working folder, and says how GDAL opens it.
 */
public final class SourceFiles {
  /** A zip may expand to this many times its size (plus a fixed allowance), no more. */
  private static final long MAX_EXPANSION = 200;

  private static final long EXPANSION_ALLOWANCE = 256L << 20;
  private static final int MAX_ENTRIES = 100_000;
  private static final List<String> SHAPEFILE_SIBLINGS = List.of("dbf", "shx", "prj", "cpg");

  private SourceFiles() {}

  /**
   * What GDAL opens.
   *
   * @param dataset the file or folder (a File Geodatabase's .gdb)
   * @param format the format as submitted (ZIP for a zipped shapefile or geodatabase)
   * @param openOptions GDAL open options ({@code -oo}), e.g. a CSV's coordinate columns
   */
  public record LocalSource(Path dataset, SourceFormat format, List<String> openOptions) {}

  public static LocalSource fetch(
      BlobStore store,
      String container,
      String blob,
      SourceFormat format,
      JsonObject converter,
      Path dir)
      throws TaskFailure, IOException {
    if (store.find(container, blob).isEmpty()) {
      throw TaskFailure.permanent(
          "BLOB_NOT_FOUND", "blob " + container + "/" + blob + " does not exist");
    }
    Path local = dir.resolve("source." + format.localExtension());
    store.download(container, blob, local);
    String display = container + "/" + blob;
    return switch (format) {
      case SHAPEFILE -> {
        fetchSiblings(store, container, blob, dir);
        yield new LocalSource(local, format, List.of());
      }
      case ZIP -> new LocalSource(zipped(local, dir, converter, display), format, List.of());
      case KMZ -> new LocalSource(kml(local, dir, converter, display), format, List.of());
      case CSV -> new LocalSource(local, format, csvOptions(converter));
      default -> new LocalSource(local, format, List.of());
    };
  }

  private static void fetchSiblings(BlobStore store, String container, String blob, Path dir)
      throws TaskFailure {
    String base = blob.substring(0, blob.length() - ".shp".length());
    for (String ext : SHAPEFILE_SIBLINGS) {
      for (String candidate :
          List.of(base + "." + ext, base + "." + ext.toUpperCase(Locale.ROOT))) {
        if (store.find(container, candidate).isPresent()) {
          store.download(container, candidate, dir.resolve("source." + ext));
          break;
        }
      }
    }
    if (!Files.exists(dir.resolve("source.dbf"))) {
      throw TaskFailure.permanent(
          "FILE_UNREADABLE",
          container + "/" + blob + ": the shapefile's attribute file " + base + ".dbf is missing");
    }
  }

  /** The CSV driver's options: where the geometry is (named columns, or common names). */
  static List<String> csvOptions(JsonObject converter) {
    List<String> options = new ArrayList<>();
    String lat = converter.getString("lat_name");
    String lon = converter.getString("lon_name");
    String wkt = converter.getString("wkt_column");
    if (lat != null) {
      options.add("X_POSSIBLE_NAMES=" + lon);
      options.add("Y_POSSIBLE_NAMES=" + lat);
    } else if (wkt != null) {
      options.add("GEOM_POSSIBLE_NAMES=" + wkt);
    } else {
      options.add("X_POSSIBLE_NAMES=lon,lng,longitude,x");
      options.add("Y_POSSIBLE_NAMES=lat,latitude,y");
      options.add("GEOM_POSSIBLE_NAMES=wkt,geom,geometry,the_geom");
    }
    options.add("KEEP_GEOM_COLUMNS=NO");
    options.add("AUTODETECT_TYPE=YES");
    // types from the whole file, not its first 100 kB: a later 1.5 must not meet an integer column
    options.add("AUTODETECT_SIZE_LIMIT=0");
    return options;
  }

  /** The shapefile (or else the .gdb folder) inside a zip. */
  private static Path zipped(Path zip, Path dir, JsonObject converter, String display)
      throws TaskFailure, IOException {
    Path root = unzip(zip, dir.resolve("unzipped"), display);
    String shpName = converter.getString("shp_name");
    List<Path> shapefiles = find(root, p -> hasExtension(p, "shp") && Files.isRegularFile(p));
    if (shpName != null) {
      return shapefiles.stream()
          .filter(p -> p.getFileName().toString().equals(shpName) || p.endsWith(shpName))
          .findFirst()
          .orElseThrow(
              () ->
                  TaskFailure.permanent(
                      "SHAPEFILE_NOT_FOUND",
                      display
                          + ": no shapefile '"
                          + shpName
                          + "' in the zip; it holds "
                          + names(root, shapefiles)));
    }
    if (!shapefiles.isEmpty()) {
      return shapefiles.get(0);
    }
    List<Path> gdbs = find(root, p -> hasExtension(p, "gdb") && Files.isDirectory(p));
    if (!gdbs.isEmpty()) {
      return gdbs.get(0);
    }
    throw TaskFailure.permanent(
        "SHAPEFILE_NOT_FOUND", display + ": the zip holds no .shp file and no .gdb folder");
  }

  /** The KML document inside a KMZ ({@code kml_name}, else doc.kml, else the first .kml). */
  private static Path kml(Path kmz, Path dir, JsonObject converter, String display)
      throws TaskFailure, IOException {
    Path root = unzip(kmz, dir.resolve("unzipped"), display);
    List<Path> docs = find(root, p -> hasExtension(p, "kml") && Files.isRegularFile(p));
    String wanted = converter.getString("kml_name", "doc.kml");
    return docs.stream()
        .filter(p -> p.getFileName().toString().equals(wanted) || p.endsWith(wanted))
        .findFirst()
        .or(
            () ->
                converter.containsKey("kml_name")
                    ? java.util.Optional.empty()
                    : docs.stream().findFirst())
        .orElseThrow(
            () ->
                TaskFailure.permanent(
                    "FILE_UNREADABLE",
                    display
                        + ": no KML document '"
                        + wanted
                        + "' in the KMZ; it holds "
                        + names(root, docs)));
  }

  /** Unzips safely: no entry outside {@code target}, bounded size and entry count. */
  static Path unzip(Path zip, Path target, String display) throws TaskFailure, IOException {
    Files.createDirectories(target);
    long limit = MAX_EXPANSION * Files.size(zip) + EXPANSION_ALLOWANCE;
    long total = 0;
    int entries = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream z = new ZipInputStream(in)) {
      for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
        if (++entries > MAX_ENTRIES) {
          throw TaskFailure.permanent(
              "FILE_UNREADABLE", display + ": the zip has too many entries");
        }
        Path out = target.resolve(e.getName()).normalize();
        if (!out.startsWith(target)) {
          throw TaskFailure.permanent(
              "FILE_UNREADABLE",
              display + ": zip entry '" + e.getName() + "' points outside the zip");
        }
        if (e.isDirectory()) {
          Files.createDirectories(out);
          continue;
        }
        Files.createDirectories(out.getParent());
        try (var os = Files.newOutputStream(out)) {
          for (int n; (n = z.read(buffer)) > 0; ) {
            total += n;
            if (total > limit) {
              throw TaskFailure.permanent(
                  "FILE_UNREADABLE",
                  display + ": the zip expands to more than " + limit + " bytes");
            }
            os.write(buffer, 0, n);
          }
        }
      }
    } catch (ZipException e) {
      throw TaskFailure.permanent(
          "FILE_UNREADABLE", display + ": not a readable zip: " + e.getMessage());
    }
    if (entries == 0) {
      throw TaskFailure.permanent("FILE_UNREADABLE", display + ": not a zip, or an empty one");
    }
    return target;
  }

  private static boolean hasExtension(Path p, String ext) {
    return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith("." + ext);
  }

  private static List<Path> find(Path root, java.util.function.Predicate<Path> match)
      throws IOException {
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(p -> !p.equals(root) && match.test(p)).sorted().toList();
    }
  }

  private static String names(Path root, List<Path> paths) {
    return paths.isEmpty()
        ? "none"
        : String.join(", ", paths.stream().map(p -> root.relativize(p).toString()).toList());
  }
}
