package io.geomachine.core.storage;

import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.geomachine.core.error.ErrorCode;
import io.geomachine.core.error.GeoMachineException;
import java.util.List;
import java.util.Map;

/** Blob storage failures in the domain's terms: the one place the SDK's errors are translated. */
final class BlobErrors {
  private BlobErrors() {}

  static GeoMachineException translate(BlobStorageException e, String container, String name) {
    String what = name == null ? "container " + container : "blob " + container + "/" + name;
    int status = e.getStatusCode();
    if (status == 404) {
      if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(e.getErrorCode())) {
        what = "container " + container;
      }
      return new GeoMachineException(
          ErrorCode.NOT_FOUND, what + " does not exist", List.of(), Map.of(), e);
    }
    if (status == 409 || status == 412) {
      return new GeoMachineException(
          ErrorCode.INVALID_STATE,
          what + " exists already; backups are append-only and never overwritten",
          List.of(),
          Map.of(),
          e);
    }
    return unavailable(
        "blob storage refused the request for " + what + ": " + e.getErrorCode() + " " + status, e);
  }

  static GeoMachineException unavailable(String message, Throwable cause) {
    return new GeoMachineException(
        ErrorCode.BLOB_STORE_UNAVAILABLE, message, List.of(), Map.of(), cause);
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
  }
}
