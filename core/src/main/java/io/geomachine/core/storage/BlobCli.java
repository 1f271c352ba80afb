package io.geomachine.core.storage;

import io.geomachine.core.admin.DbAdminCli;
import io.geomachine.core.error.GeoMachineException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code ./platform upload <container> <file> [blob-name]}: puts a local file into blob storage
 * (the bronze container a job reads from), creating the container when missing, and prints the
 * blob's URL. Storage comes from the same variables as the admin command
 * (AZURE_STORAGE_CONNECTION_STRING, default: local Azurite; or an Entra ID endpoint).
 */
public final class BlobCli {
  private BlobCli() {}

  public static void main(String[] args) {
    if (args.length < 2 || args.length > 3) {
      System.err.println("usage: upload <container> <file> [blob-name]");
      System.exit(2);
    }
    Path file = Path.of(args[1]);
    if (!Files.isRegularFile(file)) {
      System.err.println("not a file: " + file);
      System.exit(2);
    }
    String name = args.length == 3 ? args[2] : file.getFileName().toString();
    try {
      BlobStore store = BlobStore.connect(DbAdminCli.blobs(System.getenv()));
      store.ensureContainer(args[0]);
      store.upload(args[0], name, file, null);
      System.out.println(store.url(args[0], name));
    } catch (GeoMachineException e) {
      System.err.println(e.code() + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
