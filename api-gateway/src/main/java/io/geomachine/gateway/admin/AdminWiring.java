package io.geomachine.gateway.admin;

import io.geomachine.core.admin.DbTarget;
import io.geomachine.core.admin.SchemaAdmin;
import io.geomachine.core.storage.BlobStore;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Wires schema administration for the gateway: the service's own pool (the advisory lock and the
 * SQL), the same database for the PostgreSQL tools (from the datasource settings), and blob storage
 * for backups.
 */
@ApplicationScoped
public class AdminWiring {

  @Produces
  @Singleton
  SchemaAdmin schemaAdmin(
      Pool pool,
      AdminConfig config,
      @ConfigProperty(name = "quarkus.datasource.reactive.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username") Optional<String> user,
      @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
    String first = url.split(",")[0].trim();
    DbTarget target = DbTarget.fromUri(first, user.orElse(null), password.orElse(null));
    return new SchemaAdmin(
        pool, target, config.toSettings(), BlobStore.connect(config.toBlobSettings()));
  }
}
