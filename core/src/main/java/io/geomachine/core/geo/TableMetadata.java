package io.geomachine.core.geo;

/**
 * A row of {@code geo.table_metadata}: a published table, the job and STAC item that go with it,
 * and what it holds. {@code extent} is {@code [minx, miny, maxx, maxy]} in EPSG:4326; fields other
 * than the names may be null in rows written before the vector ETL existed.
 */
public record TableMetadata(
    String schemaName,
    String tableName,
    String jobId,
    String jobType,
    String stacCollectionId,
    String stacItemId,
    String geometryColumn,
    String geometryType,
    Integer srid,
    Long rowCount,
    double[] extent,
    String sourceFile,
    String sourceFormat,
    String sourceCrs) {}
