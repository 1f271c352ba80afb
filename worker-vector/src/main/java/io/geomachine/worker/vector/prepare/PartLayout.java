package io.geomachine.worker.vector.prepare;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a source that is cut is laid out: {@code parts} parts of {@code chunksPerPart} chunks each
 * (the last takes the rest), so part {@code p}'s chunks get the indexes one pass would give them.
 */
record PartLayout(int parts, int chunksPerPart) {
  /**
   * The layout of a source estimated at {@code estimatedChunks} chunks, in at most {@code
   * parallelism} parts; null when fewer than 2 parts would be worth it.
   */
  static PartLayout of(double estimatedChunks, int parallelism) {
    int parts = (int) Math.min(parallelism, Math.round(estimatedChunks));
    if (parts < 2) {
      return null;
    }
    // rounded, not ceiled: an estimate a little above a whole number must not leave a part empty
    return new PartLayout(parts, (int) Math.max(1, Math.round(estimatedChunks / parts)));
  }

  /** The plan of the part files written in order (fewer than {@link #parts} if records ran out). */
  SourceSplit.Plan plan(List<Path> files, List<String> options, int nullRowsPerPart) {
    List<SourceSplit.Part> out = new ArrayList<>();
    for (int p = 0; p < files.size(); p++) {
      Path dataset = files.get(p);
      out.add(
          new SourceSplit.Part(
              p,
              dataset.getParent(),
              dataset,
              options,
              p * chunksPerPart,
              chunksPerPart,
              p == files.size() - 1,
              null));
    }
    return new SourceSplit.Plan(out, nullRowsPerPart);
  }
}
