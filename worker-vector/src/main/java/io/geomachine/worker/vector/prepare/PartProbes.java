package io.geomachine.worker.vector.prepare;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Probes the parts of a split GeoJSONSeq source at once. GDAL's GeoJSONSeq driver parses the whole
 * file to learn the schema, so a one-file probe costs a full pass before the conversion can start;
 * probed in parts, that pass is spread over the cores. The result only stands when every part has
 * exactly the same schema (fields with names, order and types, geometry type, Z/M, CRS) and a
 * single geometry family: then the whole file has it too, and each part converts with it as is.
 */
final class PartProbes {
  private PartProbes() {}

  /** The probe all parts agree on; null when they differ or a probe fails (probe the file). */
  static LayerProbe agreed(SourceSplit.Plan plan, String layerName, String display)
      throws InterruptedException {
    List<SourceSplit.Part> parts = plan.parts();
    ExecutorService threads = Executors.newFixedThreadPool(parts.size());
    try {
      List<Future<LayerProbe>> running = new ArrayList<>();
      for (SourceSplit.Part part : parts) {
        running.add(
            threads.submit(
                () ->
                    LayerProbe.run(
                        part.dataset(), layerName, part.openOptions(), part.dir(), display)));
      }
      List<LayerProbe> probes = new ArrayList<>();
      for (Future<LayerProbe> f : running) {
        try {
          probes.add(f.get());
        } catch (ExecutionException e) {
          return null; // the one-file probe reports it as it always has
        }
      }
      return merge(probes);
    } finally {
      threads.shutdownNow();
    }
  }

  static LayerProbe merge(List<LayerProbe> probes) {
    LayerProbe first = probes.get(0);
    if (Normalisation.Family.of(first.declaredGeometryType()) == Normalisation.Family.OTHER) {
      return null;
    }
    Set<String> sampled = new LinkedHashSet<>();
    boolean anyFeatures = false;
    for (LayerProbe p : probes) {
      if (!p.driver().equals(first.driver())
          || !p.layer().equals(first.layer())
          || !p.declaredGeometryType().equals(first.declaredGeometryType())
          || p.hasZ() != first.hasZ()
          || p.hasM() != first.hasM()
          || !java.util.Objects.equals(p.crsId(), first.crsId())
          || !java.util.Objects.equals(p.crsName(), first.crsName())
          || !p.fields().equals(first.fields())) {
        return null;
      }
      sampled.addAll(p.sampledGeometryTypes());
      anyFeatures |= p.hasFeatures();
    }
    return new LayerProbe(
        first.driver(),
        first.layer(),
        first.declaredGeometryType(),
        List.copyOf(sampled),
        first.hasZ(),
        first.hasM(),
        anyFeatures,
        first.crsId(),
        first.crsName(),
        first.fields(),
        null);
  }
}
