package io.geomachine.core.config;

import io.geomachine.core.storage.BlobSettings;
import io.geomachine.core.storage.StorageLayout;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Blob storage for the ETL, a group the workers' and the janitor's config mappings include as
 * {@code storage}. An endpoint (Entra ID / managed identity) wins over a connection string; the
 * local default is the Azurite development account.
 */
public interface StorageConfig {
  Optional<String> connectionString();

  /** e.g. {@code https://acct.blob.core.windows.net}: authenticate with Entra ID. */
  Optional<String> endpoint();

  /** A user-assigned managed identity's client id; empty: DefaultAzureCredential. */
  Optional<String> managedIdentityClientId();

  /** Published COGs (silver zone). */
  @WithDefault("silver-cogs")
  String cogContainer();

  /** MosaicJSON documents (silver zone). */
  @WithDefault("silver-mosaicjson")
  String mosaicContainer();

  /** Intermediate files (vector chunks, raster tiles), removed when their job ends. */
  @WithDefault("silver-temp")
  String tempContainer();

  default BlobSettings toSettings() {
    return new BlobSettings(
        connectionString().orElse(BlobSettings.AZURITE_DEV_CONNECTION_STRING),
        endpoint().orElse(null),
        managedIdentityClientId().orElse(null));
  }

  default StorageLayout layout() {
    return new StorageLayout(cogContainer(), mosaicContainer(), tempContainer());
  }
}
