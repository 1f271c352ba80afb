package io.geomachine.worker.vector.prepare;

import static io.geomachine.core.schema.SqlText.ident;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a layer by feature id: part {@code p} reads the ids of its whole number of chunks from the
 * source file itself, no copy: {@code -where "fid" >= lo AND "fid" < hi} on a GeoPackage (SQLite
 * answers an id range from the primary key), {@code FID >= lo AND FID < hi} on FlatGeobuf and
 * shapefiles (GDAL skips the other features cheaply: half the ids of 200k polygons convert in
 * 0.84-1.0 s of the whole file's 1.5-1.8 s). Only a layer whose ids run without gaps is split: then
 * part {@code p} holds the rows one pass would put in its chunks, in the same (id) order. A part
 * that writes more or fewer chunks than its share (null geometries dropped, deleted shapefile
 * records) makes prepare convert in one pass instead; a part short of a few rows but with its
 * chunks still loads every row exactly once.
 */
final class FidSplit {
  private FidSplit() {}

  /** The id-range parts, or null when the layer is not split (gaps, fewer than two chunks). */
  static SourceSplit.Plan plan(
      SourceFiles.LocalSource source,
      LayerProbe.FidRange ids,
      int parallelism,
      int chunkSize,
      Path workDir)
      throws IOException {
    if (!ids.contiguous() || parallelism < 2 || chunkSize < 1) {
      return null;
    }
    long chunks = (ids.count() + chunkSize - 1) / chunkSize;
    PartLayout layout = PartLayout.of(chunks, parallelism);
    if (layout == null) {
      return null;
    }
    int parts = layout.parts();
    int chunksPerPart = layout.chunksPerPart();
    long idsPerPart = (long) chunksPerPart * chunkSize;
    String column = ids.column() == null ? "FID" : ident(ids.column());
    List<SourceSplit.Part> out = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      long from = ids.min() + p * idsPerPart;
      if (from > ids.max()) {
        break;
      }
      boolean last = p == parts - 1 || from + idsPerPart > ids.max();
      String where =
          column + " >= " + from + (last ? "" : " AND " + column + " < " + (from + idsPerPart));
      Path dir = Files.createDirectories(workDir.resolve("part_" + p));
      out.add(
          new SourceSplit.Part(
              p,
              dir,
              source.dataset(),
              source.openOptions(),
              p * chunksPerPart,
              chunksPerPart,
              last,
              where));
      if (last) {
        break;
      }
    }
    return out.size() < 2 ? null : new SourceSplit.Plan(out, 0);
  }
}
