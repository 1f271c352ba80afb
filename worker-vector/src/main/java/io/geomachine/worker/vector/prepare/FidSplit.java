package io.geomachine.worker.vector.prepare;

import static io.geomachine.core.schema.SqlText.ident;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a GeoPackage layer by feature id: part {@code p} reads the ids of its whole number of
 * chunks ({@code -where "fid" >= lo AND "fid" < hi}; SQLite answers such a range from the primary
 * key, so no part reads the others' rows) from the source file itself, no copy. Only a layer whose
 * ids run without gaps is split: then part {@code p} holds exactly the rows one pass would put in
 * its chunks, in the same (id) order. Rows the conversion drops (null geometries) shift the chunks;
 * the part conversion notices and prepare converts in one pass instead.
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
    int parts = (int) Math.min(parallelism, chunks);
    if (parts < 2) {
      return null;
    }
    long chunksPerPart = Math.max(1, Math.round((double) chunks / parts));
    long idsPerPart = chunksPerPart * chunkSize;
    String column = ident(ids.column());
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
              (int) (p * chunksPerPart),
              (int) chunksPerPart,
              last,
              where));
      if (last) {
        break;
      }
    }
    return out.size() < 2 ? null : new SourceSplit.Plan(out, 0);
  }
}
