package io.geomachine.worker.vector.prepare;

import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;

/**
 * What prepare learns of a source before converting it: the layer's probe, from the parts of a
 * split source probed at once when they agree (for GeoJSONSeq by the sessions that then convert
 * them), otherwise from the whole file (by a session that then converts it when it is not split).
 */
final class SourceProbe {
  private SourceProbe() {}

  /**
   * The layer's probe, and the parts when the source was probed in parts that all agree. {@code
   * sessions} (may be null) are the processes that probed and convert next: one per part of {@code
   * parts} (GeoJSONSeq parts), or when {@code parts} is null one for the whole file.
   */
  record Probed(LayerProbe probe, SourceSplit.Plan parts, PartSessions sessions) {
    /** The session that converts the whole file in one pass, or null. */
    PartSessions wholeSession() {
      return parts == null ? sessions : null;
    }

    /** The sessions that convert {@link #parts}, or null. */
    PartSessions partSessions() {
      return parts == null ? null : sessions;
    }
  }

  /**
   * Probes {@code source}: in up to {@code parallelism} parts at once when it splits (CSV,
   * GeoJSONSeq, a GeoJSON FeatureCollection, of at least {@code splitMinBytes}) and the parts
   * agree, else whole.
   */
  static Probed probe(
      SourceFiles.LocalSource source,
      JsonObject converter,
      int chunkSize,
      int parallelism,
      long splitMinBytes,
      Path dir,
      String display)
      throws Exception {
    Path partsDir = dir.resolve("probed-parts");
    boolean collection = source.format() == SourceFormat.GEOJSON;
    SourceSplit.Plan raw =
        collection
            ? FeatureCollectionSplit.raw(source, parallelism, splitMinBytes, chunkSize, partsDir)
            : SourceSplit.raw(source, parallelism, splitMinBytes, chunkSize, partsDir);
    if (raw != null) {
      String layer = converter.getString("layer_name");
      // A GeoJSONSeq part (also one cut from a FeatureCollection) is opened once: the process that
      // probes it converts it too.
      PartSessions sessions =
          source.format() == SourceFormat.GEOJSONSEQ || collection
              ? PartSessions.start(raw, layer)
              : null;
      LayerProbe agreed;
      SourceSplit.Plan parts;
      try {
        if (sessions != null) {
          List<LayerProbe> probes = sessions.probes(display);
          agreed = probes == null ? null : PartProbes.merge(probes);
          if (agreed != null && collection) {
            agreed = agreed.readBy("GeoJSON"); // the source's format, not its parts'
          }
        } else {
          agreed = PartProbes.agreed(raw, layer, display);
        }
        // typed() keeps a GeoJSONSeq's raw parts as they are: the ones the sessions have open
        parts = agreed == null ? null : SourceSplit.typed(raw, source.format(), agreed);
      } catch (Exception | Error e) {
        if (sessions != null) {
          sessions.close();
        }
        throw e;
      }
      if (parts != null) {
        return new Probed(agreed, parts, sessions);
      }
      if (sessions != null) {
        sessions.close();
      }
      VectorPrepareHandler.deleteTree(partsDir);
      if (agreed != null) {
        return new Probed(agreed, null, null);
      }
    }
    return wholeOpenedOnce(source, converter, dir, display);
  }

  /**
   * The whole file's probe by a session that keeps the file open to convert it next; when the
   * session cannot tell (its probe failed or reported an error), the plain probe, which reports it.
   */
  private static Probed wholeOpenedOnce(
      SourceFiles.LocalSource source, JsonObject converter, Path dir, String display)
      throws Exception {
    PartSessions session =
        PartSessions.whole(
            source.dataset(), source.openOptions(), dir, converter.getString("layer_name"));
    List<LayerProbe> probes;
    try {
      probes = session.probes(display);
    } catch (Exception | Error e) {
      session.close();
      throw e;
    }
    if (probes != null) {
      return new Probed(probes.get(0), null, session);
    }
    session.close();
    return new Probed(whole(source, converter, dir, display), null, null);
  }

  /** The whole file's probe; a CSV without the named geometry columns fails naming them. */
  private static LayerProbe whole(
      SourceFiles.LocalSource source, JsonObject converter, Path dir, String display)
      throws Exception {
    try {
      return LayerProbe.run(
          source.dataset(), converter.getString("layer_name"), source.openOptions(), dir, display);
    } catch (TaskFailure f) {
      if (f.code().equals("NO_GEOMETRY") && source.format() == SourceFormat.CSV) {
        String where =
            converter.containsKey("wkt_column")
                ? "a WKT column '" + converter.getString("wkt_column") + "'"
                : converter.containsKey("lat_name")
                    ? "columns '"
                        + converter.getString("lat_name")
                        + "' (lat_name) and '"
                        + converter.getString("lon_name")
                        + "' (lon_name)"
                    : "lat/lon columns or a WKT column (name them with converter_params)";
        throw TaskFailure.permanent("NO_GEOMETRY", display + ": the CSV has no " + where);
      }
      throw f;
    }
  }
}
