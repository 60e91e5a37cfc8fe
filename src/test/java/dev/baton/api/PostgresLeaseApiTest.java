package dev.baton.api;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import dev.baton.testing.PostgresServer;
import java.time.Duration;

/** The lease API contract with PostgreSQL as the store, over the Unix socket. */
class PostgresLeaseApiTest extends LeaseApiContract {
  private String url;

  @Override
  protected String storeUrl() {
    if (url == null) {
      url = PostgresServer.require().createDatabase();
    }
    return url;
  }

  @Override
  protected BrokerClient connect(Broker broker, Duration timeout) {
    return BrokerClient.overUnixSocket(broker.socket(), true, timeout);
  }
}
