package dev.baton.api;

import dev.baton.testing.PostgresServer;

/** The focus API contract with PostgreSQL as the store. */
class FocusApiPostgresTest extends FocusApiContract {
  private String url;

  @Override
  protected String storeUrl() {
    if (url == null) {
      url = PostgresServer.require().createDatabase();
    }
    return url;
  }
}
