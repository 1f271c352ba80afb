package io.geomachine.worker.raster.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import io.geomachine.core.storage.BlobSettings;
import io.geomachine.core.storage.BlobStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * GDAL subprocesses reading blob storage with Entra ID get the account and the store's current
 * access token, renewed before it expires; with a connection string they get no token.
 */
class GdalStorageTokenTest {
  static final BlobSettings ENTRA =
      new BlobSettings(null, "https://geodata.blob.core.windows.net", "client-id-of-uami");

  /** A credential issuing token-1, token-2, ... each valid for {@code validFor}. */
  static TokenCredential issuing(AtomicInteger issued, Duration validFor) {
    return request ->
        Mono.just(
            new AccessToken(
                "token-" + issued.incrementAndGet(), OffsetDateTime.now().plus(validFor)));
  }

  static String env(Gdal gdal) throws Exception {
    return gdal.run(
            List.of("sh", "-c", "echo \"$AZURE_STORAGE_ACCOUNT|$AZURE_STORAGE_ACCESS_TOKEN\""))
        .output()
        .strip();
  }

  static Gdal remote(BlobSettings settings, BlobStore store) {
    return new Gdal(Duration.ofSeconds(30))
        .withEnv(SourceAccess.azureEnv(settings))
        .withPerRunEnv(() -> SourceAccess.tokenEnv(store));
  }

  @Test
  void eachRunGetsTheCurrentTokenAndAnExpiringOneIsRenewed() throws Exception {
    AtomicInteger issued = new AtomicInteger();
    Gdal gdal = remote(ENTRA, BlobStore.connect(ENTRA, issuing(issued, Duration.ofHours(1))));
    assertEquals("geodata|token-1", env(gdal));
    assertEquals("geodata|token-1", env(gdal), "a valid token is reused");
    assertEquals(1, issued.get());

    AtomicInteger shortLived = new AtomicInteger();
    Gdal renewing =
        remote(ENTRA, BlobStore.connect(ENTRA, issuing(shortLived, Duration.ofMinutes(2))));
    assertEquals("geodata|token-1", env(renewing));
    assertEquals(
        "geodata|token-2", env(renewing), "a token within 5 minutes of expiry is renewed first");
  }

  @Test
  void aConnectionStringStoreGivesGdalItsConnectionStringAndNoToken() throws Exception {
    BlobSettings azurite = BlobSettings.azurite("http://127.0.0.1:10000/devstoreaccount1");
    Gdal gdal = remote(azurite, BlobStore.connect(azurite));
    assertEquals("|", env(gdal));
    String cs =
        gdal.run(List.of("sh", "-c", "echo \"$AZURE_STORAGE_CONNECTION_STRING\"")).output().strip();
    assertEquals(azurite.connectionString(), cs);
    assertEquals(Path.of("/vsiaz/c/a/b.tif"), SourceAccess.vsiPath("c", "a/b.tif"));
  }
}
