package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorParameters;
import io.geomachine.core.task.TaskFailure;
import java.util.Locale;

/**
 * The formats prepare reads, by file extension. The local copy gets a canonical extension, so GDAL
 * picks the right driver whatever the blob is called.
 */
public enum SourceFormat {
  CSV("csv"),
  GEOJSON("geojson"),
  GEOJSONSEQ("geojsonl"),
  GPKG("gpkg"),
  KML("kml"),
  /** A zipped KML document: unzipped, then read as KML. */
  KMZ("kmz"),
  /** A plain shapefile: its .dbf/.shx/.prj/.cpg siblings are fetched too. */
  SHAPEFILE("shp"),
  /** A zip holding a shapefile or a File Geodatabase folder (*.gdb). */
  ZIP("zip"),
  FLATGEOBUF("fgb"),
  GML("gml");

  private final String localExtension;

  SourceFormat(String localExtension) {
    this.localExtension = localExtension;
  }

  public String localExtension() {
    return localExtension;
  }

  /**
   * The format for {@code file_extension} when given, else for the blob name's extension; an
   * unknown one fails UNSUPPORTED_FORMAT.
   */
  public static SourceFormat detect(String blobName, String fileExtension) throws TaskFailure {
    String ext =
        fileExtension != null
            ? VectorParameters.normaliseExtension(fileExtension)
            : extensionOf(blobName);
    return switch (ext) {
      case "csv" -> CSV;
      case "geojson", "json" -> GEOJSON;
      case "geojsonl", "geojsons", "ndjson" -> GEOJSONSEQ;
      case "gpkg" -> GPKG;
      case "kml" -> KML;
      case "kmz" -> KMZ;
      case "shp" -> SHAPEFILE;
      case "zip", "gdb" -> ZIP;
      case "fgb" -> FLATGEOBUF;
      case "gml" -> GML;
      default ->
          throw TaskFailure.permanent(
              "UNSUPPORTED_FORMAT",
              blobName
                  + ": unsupported file extension '"
                  + ext
                  + "'; supported: "
                  + String.join(", ", VectorParameters.EXTENSIONS)
                  + " (or name the format with file_extension)");
    };
  }

  static String extensionOf(String blobName) {
    String file = blobName.substring(blobName.lastIndexOf('/') + 1);
    int dot = file.lastIndexOf('.');
    return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
