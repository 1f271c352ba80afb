package io.geomachine.core.schema;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Deploys the {@code app} schema generated from the model, in one transaction. Idempotent: a second
 * deploy changes nothing and touches no data.
 */
public final class SchemaDeployer {
  private final AppSchemaGenerator generator = new AppSchemaGenerator();

  public Uni<Void> deploy(Pool pool) {
    return pool.withTransaction(
        c ->
            Multi.createFrom()
                .iterable(generator.statements())
                .onItem()
                .transformToUniAndConcatenate(sql -> c.query(sql).execute())
                .collect()
                .last()
                .replaceWithVoid());
  }
}
