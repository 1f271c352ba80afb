package io.geomachine.worker.raster.engine;

import io.geomachine.core.storage.BlobEntry;
import io.geomachine.core.storage.BlobSettings;
import io.geomachine.core.storage.BlobStore;
import io.geomachine.core.task.TaskFailure;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How tile tasks read a large source without copying it: GDAL opens it straight from blob storage
 * through {@code /vsiaz/} (HTTP range reads of the blocks a window needs), with the storage
 * credentials in the GDAL subprocess's environment. When GDAL cannot reach or authenticate there
 * (or {@code read-mode=download}), the source is copied once per worker ({@link SourceCache}) and
 * every tile task on that worker reads the copy.
 */
public final class SourceAccess {
  private final Gdal gdal;
  private final RasterSource source;
  private final SourceCache cache;
  private final boolean remoteFirst;

  /**
   * @param gdal GDAL whose environment already holds {@link #azureEnv} (and cache limits)
   */
  public SourceAccess(Gdal gdal, RasterSource source, SourceCache cache, boolean remoteFirst) {
    this.gdal = gdal;
    this.source = source;
    this.cache = cache;
    this.remoteFirst = remoteFirst;
  }

  /**
   * The environment that lets GDAL's /vsiaz/ read the same storage account as the BlobStore. With
   * Entra ID, GDAL gets the account here and a current access token per run ({@link #tokenEnv}):
   * GDAL 3.6 can only reach the VM instance metadata service itself, which neither a user-assigned
   * identity nor Container Apps' identity endpoint can use.
   */
  public static Map<String, String> azureEnv(BlobSettings settings) {
    Map<String, String> env = new HashMap<>();
    if (settings.endpoint() != null && !settings.endpoint().isBlank()) {
      String host = URI.create(settings.endpoint()).getHost();
      env.put("AZURE_STORAGE_ACCOUNT", host.substring(0, host.indexOf('.')));
    } else if (settings.connectionString() != null) {
      env.put("AZURE_STORAGE_CONNECTION_STRING", settings.connectionString());
    }
    env.put("GDAL_HTTP_MAX_RETRY", "4");
    env.put("GDAL_HTTP_RETRY_DELAY", "1");
    return env;
  }

  /** The per-run part of GDAL's environment: the store's current Entra ID token, if it uses one. */
  public static Map<String, String> tokenEnv(BlobStore store) {
    return store
        .accessToken()
        .map(token -> Map.of("AZURE_STORAGE_ACCESS_TOKEN", token))
        .orElse(Map.of());
  }

  public static Path vsiPath(String container, String blob) {
    return Path.of("/vsiaz/" + container + "/" + blob);
  }

  /**
   * A source opened for reading: the path GDAL reads, how it got there, and (read through /vsiaz/)
   * the {@code gdalinfo -json} that proved GDAL can read it there, so it is not read again.
   */
  public record Opened(Path path, String mode, SourceCache.Lease lease, JsonObject metadata)
      implements AutoCloseable {
    @Override
    public void close() {
      if (lease != null) {
        lease.close();
      }
    }
  }

  /**
   * Opens the source: the /vsiaz/ path when GDAL can read it there, else the worker's local copy. A
   * file GDAL cannot read as a raster either way is FILE_UNREADABLE.
   */
  public Opened open(String container, BlobEntry entry, Path cacheDir)
      throws InterruptedException, TaskFailure {
    if (remoteFirst) {
      Path remote = vsiPath(container, entry.name());
      try {
        JsonObject metadata = gdal.info(remote, container + "/" + entry.name());
        return new Opened(remote, "vsiaz", null, metadata);
      } catch (TaskFailure e) {
        if (!Gdal.isAccessProblem(e.getMessage())) {
          throw e;
        }
      }
    }
    SourceCache.Lease lease = cache.acquire(container, entry, cacheDir, source);
    return new Opened(lease.path(), "local_copy", lease, null);
  }
}
