package io.geomachine.worker.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.geomachine.core.testing.TestServices;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The COPY connection is encrypted as the configured ssl mode says (the reactive datasource's), and
 * an sslmode in the JDBC URL still wins; checked on the server side (pg_stat_ssl).
 */
class StagingLoaderSslTest {
  private static final String URL = "jdbc:" + TestServices.reactiveUrl("postgres");

  private static boolean encrypted(StagingLoader loader) throws SQLException {
    try (Connection c = loader.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT ssl FROM pg_catalog.pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private static StagingLoader loader(String url, String sslMode) {
    return new StagingLoader(url, TestServices.pgUser(), TestServices.pgPassword(), sslMode, 1);
  }

  private static boolean serverOffersTls() throws SQLException {
    try (Connection c = loader(URL, "disable").connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW ssl")) {
      rs.next();
      return "on".equals(rs.getString(1));
    }
  }

  @Test
  void theConfiguredModeDecidesUnlessTheUrlNamesOne() throws SQLException {
    assertEquals(false, encrypted(loader(URL, "disable")), "disable: plain connection");
    assumeTrue(serverOffersTls(), "the local server has TLS off; nothing more to check");
    assertEquals(true, encrypted(loader(URL, "require")), "require: encrypted");
    String withMode = URL + (URL.contains("?") ? "&" : "?") + "sslmode=require";
    assertEquals(true, encrypted(loader(withMode, "disable")), "the URL's sslmode wins");
  }
}
