package dev.baton.api;

import dev.baton.api.client.BrokerClient;
import dev.baton.server.Broker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

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

  /**
   * Not over TCP: a client that closes its TCP connection while its acquire waits is noticed only
   * when the answer is written, and the kernel accepts that write; the grant then stands until its
   * TTL. Over the Unix socket (the CLI's transport) the write fails and the grant is given back.
   * README, "File leases", says so.
   */
  @Override
  @Test
  @Disabled("a TCP peer that hung up is not detected while its acquire waits; see the comment")
  void aWaiterThatHungUpIsNotGrantedTheLease() {}

  @Override
  protected String extraHeaders() {
    return "Authorization: Bearer " + broker.token() + "\r\n";
  }
}
