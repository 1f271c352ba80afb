package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.job.vector.VectorManifest.ChunkFormat;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.util.List;

/**
 * How {@link CopyChunker} writes the rows GDAL dumped into a chunk: as canonical COPY text ({@link
 * TextRows}) or as COPY BINARY tuples ({@link BinaryRows}). A job's chunks all share one encoding,
 * chosen from its column types before the conversion starts.
 */
interface RowEncoding {
  ChunkFormat format();

  /** COPY columns per row: the geometry, then the attributes. */
  int columns();

  /**
   * This encoding for one chunker: one with buffers gives each chunker its own, since the parts of
   * a split source are cut on threads of their own at once.
   */
  RowEncoding forOneChunker();

  /** Written at the start of each chunk. */
  void begin(CopyChunker.Output out) throws IOException;

  /** One row, as GDAL wrote it (a line of its COPY text, GDAL's escapes). */
  void write(CopyChunker.Record row, CopyChunker.Output out) throws IOException, TaskFailure;

  /** Written at the end of each chunk. */
  void end(CopyChunker.Output out) throws IOException;

  /**
   * Binary when {@code binary} is allowed and the binary encoder writes every column's type; text
   * otherwise (bytea and arrays are written as text).
   */
  static RowEncoding forColumns(List<VectorManifest.Column> columns, boolean binary) {
    if (binary && columns.stream().allMatch(c -> BinaryRows.Kind.of(c.pgType()) != null)) {
      return new BinaryRows(columns);
    }
    boolean[] dateLike = new boolean[columns.size() + 1];
    for (int i = 0; i < columns.size(); i++) {
      dateLike[i + 1] = PgTypes.isDateLike(columns.get(i).pgType());
    }
    return new TextRows(dateLike);
  }
}
