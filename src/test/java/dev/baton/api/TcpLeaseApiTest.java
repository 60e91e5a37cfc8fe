package dev.baton.api;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/** The lease API contract over TCP with the bearer token, on SQLite. */
class TcpLeaseApiTest extends LeaseApiContract {
  @Override
  protected BrokerClient connect(Broker broker, Duration timeout) {
    return BrokerClient.overTcp(
        new InetSocketAddress("127.0.0.1", broker.tcpPort()), broker.token(), true, timeout);
  }

  @Override
  protected SocketChannel openChannel() throws IOException {
    return SocketChannel.open(new InetSocketAddress("127.0.0.1", broker.tcpPort()));
  }

  @Override
  protected String extraHeaders() {
    return "Authorization: Bearer " + broker.token() + "\r\n";
  }
}
