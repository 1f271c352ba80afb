package io.geomachine.core.storage;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobServiceVersion;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A small, blocking blob store over azure-storage-blob: what backups and the ETL need. {@link
 * #uploadNew} is append-only (backups: a blob that exists is never overwritten); {@link #upload}
 * replaces (idempotent ETL outputs). Errors become domain errors: an unreachable store is {@link
 * ErrorCode#BLOB_STORE_UNAVAILABLE}, a missing blob {@link ErrorCode#NOT_FOUND}, an existing one on
 * upload {@link ErrorCode#INVALID_STATE}.
 */
public final class BlobStore {
  /** How many deletes {@link #deleteAll} runs at once. */
  private static final int DELETE_CONCURRENCY = 8;

  /**
   * The storage REST version requests are made with. azure-storage-blob 12.36 defaults to
   * 2026-10-06, which Azurite 3.37 refuses unless started with {@code --skipApiVersionCheck};
   * 2026-06-06 is the newest both accept, so local and production behave alike.
   */
  public static final BlobServiceVersion SERVICE_VERSION = BlobServiceVersion.V2026_06_06;

  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** The scope of an Entra ID token for Azure Storage. */
  static final String STORAGE_SCOPE = "https://storage.azure.com/.default";

  /** A token is renewed this long before it expires, so a tool never starts with a stale one. */
  static final Duration TOKEN_MARGIN = Duration.ofMinutes(5);

  private final BlobServiceClient client;
  private final TokenCredential credential;
  private volatile AccessToken token;

  private BlobStore(BlobServiceClient client, TokenCredential credential) {
    this.client = client;
    this.credential = credential;
  }

  public static BlobStore connect(BlobSettings settings) {
    return connect(settings, settings.usesEntraId() ? credential(settings) : null);
  }

  /** {@link #connect(BlobSettings)} with this Entra ID credential (tests; other identities). */
  public static BlobStore connect(BlobSettings settings, TokenCredential credential) {
    BlobServiceClientBuilder builder =
        new BlobServiceClientBuilder()
            .serviceVersion(SERVICE_VERSION)
            .retryOptions(
                new RequestRetryOptions(
                    RetryPolicyType.EXPONENTIAL,
                    3,
                    Duration.ofMinutes(5),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(4),
                    null));
    if (settings.usesEntraId()) {
      builder.endpoint(settings.endpoint()).credential(credential);
    } else if (settings.connectionString() != null && !settings.connectionString().isBlank()) {
      builder.connectionString(settings.connectionString());
    } else {
      throw new IllegalArgumentException("blob storage needs an endpoint or a connection string");
    }
    return new BlobStore(builder.buildClient(), settings.usesEntraId() ? credential : null);
  }

  /**
   * A current Entra ID access token for Azure Storage, for tools that read blob storage themselves
   * (GDAL's {@code /vsiaz/} takes it as {@code AZURE_STORAGE_ACCESS_TOKEN}); renewed through the
   * store's credential (managed identity, user-assigned or not, workload identity, ...) before it
   * expires. Empty when the store authenticates with a connection string.
   */
  public Optional<String> accessToken() {
    if (credential == null) {
      return Optional.empty();
    }
    AccessToken current = token;
    if (current == null
        || current.getExpiresAt().minus(TOKEN_MARGIN).isBefore(OffsetDateTime.now())) {
      try {
        current = credential.getTokenSync(new TokenRequestContext().addScopes(STORAGE_SCOPE));
      } catch (RuntimeException e) {
        throw BlobErrors.unavailable("no Entra ID token for blob storage: " + e.getMessage(), e);
      }
      token = current;
    }
    return Optional.of(current.getToken());
  }

  private static TokenCredential credential(BlobSettings settings) {
    String clientId = settings.managedIdentityClientId();
    if (clientId != null && !clientId.isBlank()) {
      return new ManagedIdentityCredentialBuilder().clientId(clientId).build();
    }
    return new DefaultAzureCredentialBuilder().build();
  }

  /** The account's blob endpoint, for messages. */
  public String endpoint() {
    return client.getAccountUrl();
  }

  public void ensureContainer(String container) {
    call(container, null, () -> client.getBlobContainerClient(container).createIfNotExists());
  }

  /**
   * Uploads a file as a new blob; refuses (INVALID_STATE) when a blob of that name exists, even if
   * another writer created it a moment ago (the service checks {@code If-None-Match: *}).
   */
  public BlobEntry uploadNew(String container, String name, Path file, Map<String, String> meta) {
    return uploadFile(
        container,
        name,
        file,
        new BlockUploadStream.Commit(null, meta, new BlobRequestConditions().setIfNoneMatch("*")));
  }

  /**
   * Writes a file to a blob, replacing one of the same name: outputs are idempotent (a re-run
   * writes the same name again). {@code contentType} may be null.
   */
  public BlobEntry upload(String container, String name, Path file, String contentType) {
    return uploadFile(
        container, name, file, new BlockUploadStream.Commit(headers(contentType), null, null));
  }

  /**
   * A file as a blob, in blocks staged 8 at once, each verified by the service; the blob appears
   * when every block is in, and a file that cannot be read to its end leaves no blob.
   */
  private BlobEntry uploadFile(
      String container, String name, Path file, BlockUploadStream.Commit commit) {
    call(
        container,
        name,
        () -> {
          BlockUploadStream out =
              blockUpload(container, name, commit, BlobTransfers.FILE_UPLOAD_CONCURRENCY);
          try {
            Files.copy(file, out);
            out.close();
          } catch (IOException e) {
            // a storage error keeps its own translation; anything else is the file's
            throw e.getCause() instanceof RuntimeException storage
                ? storage
                : new UncheckedIOException(e);
          }
        });
    return find(container, name)
        .orElseThrow(
            () ->
                BlobErrors.unavailable(
                    "blob " + name + " is missing right after its upload", null));
  }

  /** Writes bytes to a blob (small documents: JSON sidecars, manifests), replacing it. */
  public void uploadBytes(String container, String name, byte[] content, String contentType) {
    BlobClient blob = blob(container, name);
    BlobParallelUploadOptions options =
        new BlobParallelUploadOptions(BinaryData.fromBytes(content));
    if (contentType != null) {
      options.setHeaders(new BlobHttpHeaders().setContentType(contentType));
    }
    call(container, name, () -> blob.uploadWithResponse(options, TIMEOUT, Context.NONE));
  }

  /** A whole blob's content (small documents only). */
  public byte[] downloadBytes(String container, String name) {
    return call(container, name, () -> blob(container, name).downloadContent().toBytes());
  }

  /** Deletes a blob; true when it existed. */
  public boolean delete(String container, String name) {
    return call(container, name, () -> blob(container, name).deleteIfExists());
  }

  /**
   * Deletes every blob under {@code prefix} (which must name a folder, ending in '/'); the number
   * deleted. Deleting again finds nothing and returns 0.
   */
  public int deletePrefix(String container, String prefix) {
    if (prefix == null || prefix.length() < 2 || !prefix.endsWith("/")) {
      throw new IllegalArgumentException("refusing to delete by a prefix that is not a folder");
    }
    return deleteAll(container, list(container, prefix).stream().map(BlobEntry::name).toList());
  }

  /** Deletes the named blobs, several at once; the number that existed. */
  public int deleteAll(String container, List<String> names) {
    if (names.size() <= 1) {
      return names.isEmpty() || delete(container, names.get(0)) ? names.size() : 0;
    }
    // one request per blob, several at once: a job's dozens of chunks go in one round trip's time
    ExecutorService deleters =
        Executors.newFixedThreadPool(Math.min(DELETE_CONCURRENCY, names.size()));
    try {
      List<Future<Boolean>> deletes = new ArrayList<>();
      for (String name : names) {
        deletes.add(deleters.submit(() -> delete(container, name)));
      }
      int deleted = 0;
      for (Future<Boolean> f : deletes) {
        if (f.get()) {
          deleted++;
        }
      }
      return deleted;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r
          ? r
          : new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deleting in " + container, e);
    } finally {
      deleters.shutdownNow();
    }
  }

  /** The URL a client opens to read the blob (HTTPS in Azure; Azurite's HTTP URL locally). */
  public String url(String container, String name) {
    // getBlobUrl() encodes '/' as %2F, which some clients (GDAL's /vsicurl/) do not undo
    StringBuilder url =
        new StringBuilder(client.getBlobContainerClient(container).getBlobContainerUrl());
    for (String segment : name.split("/", -1)) {
      url.append('/')
          .append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return url.toString();
  }

  /**
   * A blob written as a stream, replacing one of the same name: blocks are staged while the caller
   * writes, so the upload overlaps with producing the bytes, and the blob appears only when the
   * stream is closed (Put Block List). A stream abandoned without closing leaves no blob; its
   * uncommitted blocks expire. Every block carries its MD5, which the service checks ({@link
   * BlockUploadStream}). Failures surface as IOExceptions from write and close. {@code contentType}
   * may be null.
   */
  public OutputStream openUpload(String container, String name, String contentType) {
    return blockUpload(
        container,
        name,
        new BlockUploadStream.Commit(headers(contentType), null, null),
        BlobTransfers.STREAM_UPLOAD_CONCURRENCY);
  }

  private BlockUploadStream blockUpload(
      String container, String name, BlockUploadStream.Commit commit, int concurrency) {
    return new BlockUploadStream(
        blockBlob(container, name),
        commit,
        BlobTransfers.BLOCK,
        concurrency,
        TIMEOUT,
        BlockUploadStream.MD5);
  }

  private static BlobHttpHeaders headers(String contentType) {
    return contentType == null ? null : new BlobHttpHeaders().setContentType(contentType);
  }

  /**
   * A blob read as a stream, fetched in blocks a few blocks ahead of the caller on a thread of its
   * own. A missing blob is NOT_FOUND here, before any byte is read; a failure while reading
   * surfaces as an IOException. The caller closes the stream.
   */
  public InputStream openDownload(String container, String name) {
    BlobClient blob = blob(container, name);
    BlobProperties properties = call(container, name, blob::getProperties);
    // one GET for the whole blob, its body streamed through; pinned to the version just seen, and
    // resumed where it broke off after a dropped connection
    BlobRequestConditions sameVersion =
        new BlobRequestConditions().setIfMatch(properties.getETag());
    return ReadAheadInputStream.writtenBy(
        out -> {
          try {
            blob.downloadStreamWithResponse(
                out,
                null,
                BlobTransfers.DOWNLOAD_RETRIES,
                sameVersion,
                false,
                TIMEOUT,
                Context.NONE);
          } catch (RuntimeException e) {
            throw new IOException(
                "reading " + container + "/" + name + " failed: " + BlobErrors.rootMessage(e), e);
          }
        },
        BlobTransfers.BLOCK,
        BlobTransfers.STREAM_READ_AHEAD,
        "blob-read-" + container);
  }

  /** Downloads a blob into a file (replacing the file). */
  public void download(String container, String name, Path target) {
    call(
        container,
        name,
        () ->
            blob(container, name)
                .downloadToFileWithResponse(
                    new BlobDownloadToFileOptions(target.toString())
                        .setParallelTransferOptions(BlobTransfers.FILE_DOWNLOAD)
                        .setOpenOptions(
                            Set.of(
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.READ,
                                StandardOpenOption.WRITE)),
                    TIMEOUT,
                    Context.NONE));
  }

  public Optional<BlobEntry> find(String container, String name) {
    try {
      BlobProperties p = blob(container, name).getProperties();
      return Optional.of(
          new BlobEntry(name, p.getBlobSize(), p.getLastModified().toInstant(), p.getMetadata()));
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw BlobErrors.translate(e, container, name);
    } catch (RuntimeException e) {
      throw BlobErrors.unavailable(
          "blob storage at " + endpoint() + " failed: " + e.getMessage(), e);
    }
  }

  /** Blobs whose name starts with {@code prefix}, newest first; none when the container is new. */
  public List<BlobEntry> list(String container, String prefix) {
    BlobContainerClient c = client.getBlobContainerClient(container);
    return call(
        container,
        null,
        () -> {
          if (!c.exists()) {
            return List.of();
          }
          List<BlobEntry> out = new ArrayList<>();
          ListBlobsOptions options =
              new ListBlobsOptions()
                  .setPrefix(prefix)
                  .setDetails(new BlobListDetails().setRetrieveMetadata(true));
          for (BlobItem item : c.listBlobs(options, TIMEOUT)) {
            out.add(
                new BlobEntry(
                    item.getName(),
                    item.getProperties().getContentLength(),
                    item.getProperties().getLastModified().toInstant(),
                    item.getMetadata()));
          }
          out.sort(
              Comparator.comparing(BlobEntry::lastModified)
                  .thenComparing(BlobEntry::name)
                  .reversed());
          return out;
        });
  }

  private BlobClient blob(String container, String name) {
    return client.getBlobContainerClient(container).getBlobClient(name);
  }

  BlockBlobClient blockBlob(String container, String name) {
    return blob(container, name).getBlockBlobClient();
  }

  private <T> T call(String container, String name, Supplier<T> work) {
    try {
      return work.get();
    } catch (BlobStorageException e) {
      throw BlobErrors.translate(e, container, name);
    } catch (GeoMachineException e) {
      throw e;
    } catch (RuntimeException e) {
      throw BlobErrors.unavailable(
          "blob storage at " + endpoint() + " is unavailable: " + BlobErrors.rootMessage(e), e);
    }
  }

  private void call(String container, String name, Runnable work) {
    call(
        container,
        name,
        () -> {
          work.run();
          return null;
        });
  }
}
