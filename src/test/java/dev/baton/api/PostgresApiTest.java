package dev.baton.api;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.PostgresServer;
import java.time.Duration;

/** The whole API contract with PostgreSQL as the store, over the Unix socket. */
class PostgresApiTest extends ApiContract {
  private String url;

  @Override
  protected String storeUrl() {
    if (url == null) {
      url = PostgresServer.require().createDatabase();
    }
    return url;
  }

  @Override
  protected BrokerClient connect(Broker broker) {
    return BrokerClient.overUnixSocket(broker.socket(), true, Duration.ofSeconds(10));
  }
}
