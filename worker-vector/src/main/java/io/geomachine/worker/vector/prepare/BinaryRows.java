package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorManifest;
import io.geomachine.core.job.vector.VectorManifest.ChunkFormat;
import io.geomachine.core.task.TaskFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Rows as PostgreSQL COPY BINARY tuples, turned from GDAL's COPY text as it streams by. Each value
 * is what PostgreSQL itself would have read from the text (the same escapes, the same special
 * floats, the same range errors), so a binary chunk loads the rows a text chunk would; but the
 * geometry travels as EWKB bytes instead of twice as many hex digits, and PostgreSQL parses no text
 * (COPY of 200,000 polygons: 0.39 against 0.67 s; docs/benchmarks-vector.md section 11). A value
 * PostgreSQL would refuse fails prepare with {@code VALUE_INVALID}, naming the column.
 */
final class BinaryRows implements RowEncoding {
  /** The column types written in binary; any other type makes the job's chunks text. */
  enum Kind {
    GEOMETRY,
    TEXT,
    BOOLEAN,
    INT2,
    INT4,
    INT8,
    FLOAT4,
    FLOAT8,
    DATE,
    TIMESTAMPTZ,
    TIME;

    /** The kind for a {@link VectorManifest.Column#pgType}, or null when written as text only. */
    static Kind of(String pgType) {
      return switch (pgType) {
        case "text" -> TEXT;
        case "boolean" -> BOOLEAN;
        case "smallint" -> INT2;
        case "integer" -> INT4;
        case "bigint" -> INT8;
        case "real" -> FLOAT4;
        case "double precision" -> FLOAT8;
        case "date" -> DATE;
        case "timestamp with time zone" -> TIMESTAMPTZ;
        case "time" -> TIME;
        default -> null;
      };
    }
  }

  /** The signature "PGCOPY\n\377\r\n\0", then flags 0 and a header extension of 0 bytes. */
  private static final byte[] HEADER = {
    'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0
  };

  /** A hex digit's value, -1 for any other byte. */
  private static final byte[] HEX = new byte[256];

  static {
    Arrays.fill(HEX, (byte) -1);
    for (int c = 0; c < 16; c++) {
      HEX["0123456789abcdef".charAt(c)] = (byte) c;
      HEX["0123456789ABCDEF".charAt(c)] = (byte) c;
    }
  }

  private final Kind[] kinds;
  private final VectorManifest.Column[] columns;

  /** The tuple being built; written to the chunk once complete. */
  private byte[] tuple = new byte[1 << 12];

  private int n;

  private BinaryRows(Kind[] kinds, VectorManifest.Column[] columns) {
    this.kinds = kinds;
    this.columns = columns;
  }

  BinaryRows(List<VectorManifest.Column> attributes) {
    kinds = new Kind[attributes.size() + 1];
    columns = new VectorManifest.Column[kinds.length];
    kinds[0] = Kind.GEOMETRY;
    for (int i = 0; i < attributes.size(); i++) {
      kinds[i + 1] = Kind.of(attributes.get(i).pgType());
      columns[i + 1] = attributes.get(i);
      if (kinds[i + 1] == null) {
        throw new IllegalArgumentException("no binary encoding for " + attributes.get(i));
      }
    }
  }

  @Override
  public ChunkFormat format() {
    return ChunkFormat.BINARY;
  }

  @Override
  public int columns() {
    return kinds.length;
  }

  @Override
  public RowEncoding forOneChunker() {
    return new BinaryRows(kinds, columns); // a tuple buffer of its own
  }

  @Override
  public void begin(CopyChunker.Output out) throws IOException {
    out.write(HEADER, 0, HEADER.length);
  }

  @Override
  public void end(CopyChunker.Output out) throws IOException {
    out.write(0xff); // the trailer: a field count of -1
    out.write(0xff);
  }

  @Override
  public void write(CopyChunker.Record row, CopyChunker.Output out)
      throws IOException, TaskFailure {
    byte[] b = row.bytes;
    int length = row.length;
    n = 0;
    putShort(kinds.length);
    int start = 0;
    for (int f = 0; f < kinds.length; f++) {
      if (start > length) {
        throw new IllegalStateException("a row of " + f + " columns, expected " + kinds.length);
      }
      int end = start;
      while (end < length && b[end] != '\t') {
        end += b[end] == '\\' ? 2 : 1; // an escaped tab is part of the value
      }
      end = Math.min(end, length);
      field(f, b, start, end);
      start = end + 1;
    }
    if (start <= length) {
      throw new IllegalStateException("a row of more than " + kinds.length + " columns");
    }
    out.write(tuple, 0, n);
  }

  private void field(int f, byte[] b, int s, int e) throws TaskFailure {
    if (e - s == 2 && b[s] == '\\' && b[s + 1] == 'N') {
      putInt(-1); // NULL
      return;
    }
    try {
      value(kinds[f], b, s, e);
    } catch (PgTextValues.Refused refused) {
      throw invalid(f, b, s, e, refused.getMessage());
    }
  }

  private void value(Kind kind, byte[] b, int s, int e) throws PgTextValues.Refused {
    switch (kind) {
      case GEOMETRY -> hexBytes(b, s, e);
      case TEXT -> unescaped(b, s, e);
      case BOOLEAN -> {
        putInt(1);
        put(PgTextValues.bool(b, s, e) ? 1 : 0);
      }
      case INT2 -> {
        putInt(2);
        putShort((int) PgTextValues.integer(b, s, e, Short.MIN_VALUE, Short.MAX_VALUE));
      }
      case INT4 -> {
        putInt(4);
        putInt((int) PgTextValues.integer(b, s, e, Integer.MIN_VALUE, Integer.MAX_VALUE));
      }
      case INT8 -> {
        putInt(8);
        putLong(PgTextValues.integer(b, s, e, Long.MIN_VALUE, Long.MAX_VALUE));
      }
      case FLOAT4 -> {
        putInt(4);
        putInt(Float.floatToIntBits((float) PgTextValues.floating(b, s, e, true)));
      }
      case FLOAT8 -> {
        putInt(8);
        putLong(Double.doubleToLongBits(PgTextValues.floating(b, s, e, false)));
      }
      case DATE -> {
        putInt(4);
        putInt(PgTextValues.date(b, s, e));
      }
      case TIMESTAMPTZ -> {
        putInt(8);
        putLong(PgTextValues.timestamp(b, s, e));
      }
      case TIME -> {
        putInt(8);
        putLong(PgTextValues.time(b, s, e));
      }
    }
  }

  /** The hex EWKB GDAL writes, as bytes. */
  private void hexBytes(byte[] b, int s, int e) {
    if (((e - s) & 1) != 0) {
      throw new IllegalStateException("a geometry of an odd number of hex digits");
    }
    int bytes = (e - s) / 2;
    ensure(4 + bytes);
    putInt(bytes);
    for (int i = s; i < e; i += 2) {
      int high = HEX[b[i] & 0xff];
      int low = HEX[b[i + 1] & 0xff];
      if ((high | low) < 0) {
        throw new IllegalStateException("a geometry that is not hex EWKB");
      }
      tuple[n++] = (byte) (high << 4 | low);
    }
  }

  /** A text value with COPY's backslash escapes resolved, as PostgreSQL resolves them. */
  private void unescaped(byte[] b, int s, int e) {
    ensure(4 + e - s);
    int lengthAt = n;
    n += 4;
    for (int i = s; i < e; i++) {
      int c = b[i];
      if (c == '\\' && i + 1 < e) {
        c = b[++i];
        if (c >= '0' && c <= '7') {
          int value = c - '0';
          for (int digits = 1; digits < 3 && i + 1 < e && b[i + 1] >= '0' && b[i + 1] <= '7'; ) {
            value = value * 8 + b[++i] - '0';
            digits++;
          }
          c = value;
        } else if (c == 'x' && i + 1 < e && HEX[b[i + 1] & 0xff] >= 0) {
          int value = HEX[b[++i] & 0xff];
          if (i + 1 < e && HEX[b[i + 1] & 0xff] >= 0) {
            value = value * 16 + HEX[b[++i] & 0xff];
          }
          c = value;
        } else {
          c =
              switch (c) {
                case 'b' -> '\b';
                case 'f' -> '\f';
                case 'n' -> '\n';
                case 'r' -> '\r';
                case 't' -> '\t';
                case 'v' -> 0x0b;
                default -> c; // GDAL's escapes: a backslash before the character itself
              };
        }
      }
      tuple[n++] = (byte) c;
    }
    int length = n - lengthAt - 4;
    int end = n;
    n = lengthAt;
    putInt(length);
    n = end;
  }

  private TaskFailure invalid(int f, byte[] b, int s, int e, String why) {
    VectorManifest.Column c = columns[f];
    return TaskFailure.permanent(
        "VALUE_INVALID",
        "column '"
            + c.name()
            + "' ("
            + c.pgType()
            + "): \""
            + new String(b, s, Math.min(e - s, 100), StandardCharsets.UTF_8)
            + "\" "
            + why);
  }

  private void ensure(int more) {
    if (n + more > tuple.length) {
      tuple = Arrays.copyOf(tuple, Math.max(tuple.length * 2, n + more));
    }
  }

  private void put(int v) {
    ensure(1);
    tuple[n++] = (byte) v;
  }

  private void putShort(int v) {
    ensure(2);
    tuple[n++] = (byte) (v >>> 8);
    tuple[n++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    tuple[n++] = (byte) (v >>> 24);
    tuple[n++] = (byte) (v >>> 16);
    tuple[n++] = (byte) (v >>> 8);
    tuple[n++] = (byte) v;
  }

  private void putLong(long v) {
    putInt((int) (v >>> 32));
    putInt((int) v);
  }
}
