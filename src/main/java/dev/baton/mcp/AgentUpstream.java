package dev.baton.mcp;

import dev.baton.gateway.Upstream;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;

/**
 * The agent's session as the upstream of a downstream call: progress and log messages go to it, and
 * the server's sampling and elicitation requests are asked of the agent's client, when that client
 * declared it can answer them.
 */
final class AgentUpstream implements Upstream {
  private final McpSyncServerExchange exchange;
  private final Cancellation cancellation;

  /**
   * @param cancellation the agent's cancellation of this request; null when it cannot be told
   */
  AgentUpstream(McpSyncServerExchange exchange, Cancellation cancellation) {
    this.exchange = exchange;
    this.cancellation = cancellation;
  }

  @Override
  public void progress(McpSchema.ProgressNotification notification) {
    try {
      exchange.progressNotification(notification);
    } catch (RuntimeException e) {
      // the agent has gone; the call goes on
    }
  }

  @Override
  public void log(McpSchema.LoggingMessageNotification notification) {
    try {
      exchange.loggingNotification(notification);
    } catch (RuntimeException e) {
      // the agent has gone; the call goes on
    }
  }

  @Override
  public McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request) {
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps == null || caps.sampling() == null) {
      throw new IllegalStateException(
          "the agent's MCP client does not support sampling (it did not declare it)");
    }
    return exchange.createMessage(request);
  }

  @Override
  public McpSchema.ElicitResult elicit(McpSchema.ElicitRequest request) {
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps == null || caps.elicitation() == null) {
      throw new IllegalStateException(
          "the agent's MCP client does not support elicitation (it did not declare it)");
    }
    return exchange.createElicitation(request);
  }

  @Override
  public void onCancel(Runnable action) {
    if (cancellation != null) {
      cancellation.onCancel(action);
    }
  }
}
