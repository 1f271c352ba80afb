package io.geomachine.core.storage;

/**
 * Where blob storage is and how to authenticate.
 *
 * <ul>
 *   <li>{@code endpoint} set (e.g. {@code https://acct.blob.core.windows.net}): Entra ID through
 *       {@code DefaultAzureCredential} (managed identity, workload identity, Azure CLI, ...), or a
 *       user-assigned managed identity when {@code managedIdentityClientId} is set. This is the
 *       production path; it wins over a connection string.
 *   <li>otherwise {@code connectionString}: account key or SAS, used locally with Azurite.
 * </ul>
 */
public record BlobSettings(
    String connectionString, String endpoint, String managedIdentityClientId) {

  /** The well-known Azurite development account on the local platform (public, not a secret). */
  public static final String AZURITE_DEV_CONNECTION_STRING =
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
          + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/"
          + "K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";

  public static BlobSettings connectionString(String connectionString) {
    return new BlobSettings(connectionString, null, null);
  }

  /** The Azurite development account at another blob endpoint (another port, say). */
  public static BlobSettings azurite(String blobEndpoint) {
    return connectionString(
        AZURITE_DEV_CONNECTION_STRING.replace(
            "http://127.0.0.1:10000/devstoreaccount1", blobEndpoint));
  }

  boolean usesEntraId() {
    return endpoint != null && !endpoint.isBlank();
  }
}
