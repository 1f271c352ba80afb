package io.geomachine.core.storage;

/**
 * Where the ETL writes: published COGs, MosaicJSON documents, and intermediate files. Source files
 * stay in the container the user named (bronze) and are never modified or deleted.
 */
public record StorageLayout(String cogContainer, String mosaicContainer, String tempContainer) {
  /** The prefix under which a job's intermediate files of one kind live: {@code kind/jobId/}. */
  public String tempPrefix(String kind, String jobId) {
    return kind + "/" + jobId + "/";
  }
}
