package dev.baton.it;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * MCP clients (the official Java SDK's) of a test broker's {@code /mcp/<role>} over TCP, as an
 * agent of a given instance in a given workspace; closed together at the end of a test.
 */
final class McpClients implements AutoCloseable {
  private final List<McpSyncClient> clients = new ArrayList<>();

  /** An initialised client of the role's endpoint, with the bearer token and baton's headers. */
  McpSyncClient connect(
      BrokerProcess broker,
      String role,
      String instance,
      Path workspace,
      UnaryOperator<McpClient.SyncSpec> customise) {
    Map<String, String> headers =
        Map.of(
            "Authorization",
            "Bearer " + broker.token(),
            "X-Baton-Instance",
            instance,
            "X-Baton-Workspace",
            workspace.toString());
    HttpClientStreamableHttpTransport transport =
        HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + broker.tcpPort())
            .endpoint("/mcp/" + role)
            .addHttpRequestCustomizer(
                (builder, method, uri, body, context) -> headers.forEach(builder::header))
            .build();
    McpSyncClient c =
        customise.apply(McpClient.sync(transport).requestTimeout(Duration.ofSeconds(60))).build();
    clients.add(c);
    c.initialize();
    return c;
  }

  /** Closes this client with the others. */
  McpSyncClient add(McpSyncClient client) {
    clients.add(client);
    return client;
  }

  /** The text of a tool result's text blocks. */
  static String text(McpSchema.CallToolResult r) {
    StringBuilder out = new StringBuilder();
    for (McpSchema.Content c : r.content()) {
      if (c instanceof McpSchema.TextContent t) {
        out.append(t.text());
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    for (McpSyncClient c : clients) {
      try {
        c.closeGracefully();
      } catch (RuntimeException e) {
        // the broker may be gone already
      }
    }
    clients.clear();
  }
}
