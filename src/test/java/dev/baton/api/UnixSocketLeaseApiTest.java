package dev.baton.api;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import java.time.Duration;

/** The lease API contract over the Unix socket, on SQLite. */
class UnixSocketLeaseApiTest extends LeaseApiContract {
  @Override
  protected BrokerClient connect(Broker broker, Duration timeout) {
    return BrokerClient.overUnixSocket(broker.socket(), true, timeout);
  }
}
