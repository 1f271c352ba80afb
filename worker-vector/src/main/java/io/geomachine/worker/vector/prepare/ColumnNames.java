package io.geomachine.worker.vector.prepare;

import io.geomachine.core.job.vector.VectorParameters;
import io.geomachine.core.task.TaskFailure;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns source field names into safe PostgreSQL column names: accents dropped, lower case, other
 * characters outside {@code [a-z0-9_]} dropped at the ends and each run of them inside replaced by
 * one {@code _}, a leading digit gets a {@code _} prefix, nothing left gives {@code column}, at
 * most 63 bytes. Two fields that clean to the same name are told apart by a suffix ({@code _2},
 * {@code _3}, ... within the 63 bytes). A field named like a standard column or the geometry column
 * fails {@code COLUMN_NAME_COLLISION}, unless renaming is asked for: then it gets the suffix {@code
 * _src}.
 */
public final class ColumnNames {
  public static final int MAX_BYTES = 63;

  private ColumnNames() {}

  /** The cleaned form of one name, before de-duplication. */
  public static String clean(String source) {
    String ascii = Normalizer.normalize(source, Normalizer.Form.NFKD).replaceAll("\\p{M}+", "");
    String name =
        ascii
            .toLowerCase(Locale.ROOT)
            .replaceAll("^[^a-z0-9_]+|[^a-z0-9_]+$", "")
            .replaceAll("[^a-z0-9_]+", "_");
    if (name.isEmpty()) {
      name = "column";
    }
    if (Character.isDigit(name.charAt(0))) {
      name = "_" + name;
    }
    return truncate(name, MAX_BYTES);
  }

  /**
   * Cleaned, unique names for {@code sources} in order.
   *
   * @param geometryColumn the table's geometry column ({@code geom} or {@code shape})
   * @param renameColliding give a colliding name the suffix {@code _src} instead of failing
   */
  public static List<String> cleanAll(
      List<String> sources, String geometryColumn, boolean renameColliding) throws TaskFailure {
    Set<String> reserved = new HashSet<>(VectorParameters.STANDARD_COLUMNS);
    reserved.add(geometryColumn);
    List<String> cleaned = new ArrayList<>(sources.size());
    for (String source : sources) {
      String name = clean(source);
      if (reserved.contains(name)) {
        if (!renameColliding) {
          throw TaskFailure.permanent(
              "COLUMN_NAME_COLLISION",
              "source column '"
                  + source
                  + "' would be named '"
                  + name
                  + "', a standard column of every geo table ("
                  + String.join(", ", reserved.stream().sorted().toList())
                  + "); rename it in the file or submit with rename_colliding_columns=true"
                  + " (it becomes '"
                  + truncate(name, MAX_BYTES - 4)
                  + "_src')");
        }
        name = truncate(name, MAX_BYTES - 4) + "_src";
      }
      cleaned.add(name);
    }
    Set<String> used = new HashSet<>(reserved);
    List<String> unique = new ArrayList<>(cleaned.size());
    for (String name : cleaned) {
      String candidate = name;
      for (int n = 2; used.contains(candidate); n++) {
        String suffix = "_" + n;
        candidate = truncate(name, MAX_BYTES - suffix.length()) + suffix;
      }
      used.add(candidate);
      unique.add(candidate);
    }
    return unique;
  }

  private static String truncate(String ascii, int maxBytes) {
    return ascii.length() <= maxBytes ? ascii : ascii.substring(0, maxBytes);
  }
}
