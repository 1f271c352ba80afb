package io.geomachine.worker.vector;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Shares statements among a fixed number of lanes (one connection each, its statements one after
 * another), longest first, each onto the lane with the least work so far (greedy LPT: within 4/3 of
 * the best split). More lanes than cores only makes CPU-bound builds contend.
 */
final class LanePlan {
  /**
   * A GIST (or SP-GiST, GIN) build's cost relative to a btree's: measured 1.45 s vs 0.29-0.35 s on
   * 1M points (docs/benchmarks-vector.md).
   */
  static final int TREE_BUILD_WEIGHT = 5;

  /** A btree, hash or BRIN build, a full scan, or ANALYZE: the unit of work. */
  static final int UNIT_WEIGHT = 1;

  private static final Set<String> SLOW_METHODS = Set.of("gist", "spgist", "gin");

  private LanePlan() {}

  /** The relative cost of building an index with {@code method}. */
  static int indexWeight(String method) {
    return SLOW_METHODS.contains(method) ? TREE_BUILD_WEIGHT : UNIT_WEIGHT;
  }

  /**
   * {@code items} in at most {@code lanes} lanes (no empty lane), each lane's items heaviest first;
   * items of equal weight keep their order.
   */
  static <T> List<List<T>> assign(List<T> items, ToIntFunction<T> weight, int lanes) {
    if (lanes < 1) {
      throw new IllegalArgumentException("lanes must be at least 1, got " + lanes);
    }
    List<T> byWeight = new ArrayList<>(items);
    byWeight.sort(Comparator.comparingInt(weight).reversed());
    int n = Math.min(lanes, byWeight.size());
    List<List<T>> out = new ArrayList<>();
    long[] load = new long[n];
    for (int i = 0; i < n; i++) {
      out.add(new ArrayList<>());
    }
    for (T item : byWeight) {
      int least = 0;
      for (int i = 1; i < n; i++) {
        if (load[i] < load[least]) {
          least = i;
        }
      }
      out.get(least).add(item);
      load[least] += weight.applyAsInt(item);
    }
    return out;
  }
}
