package dev.baton.gateway;

import io.modelcontextprotocol.spec.McpSchema;

/**
 * The agent's side of one downstream call: where the server's notifications and requests made while
 * the call runs go. A server's messages carry no hint of the call they belong to, so they go to the
 * latest call still running on that connection; a pool opens a new connection before it gives a
 * busy one a second call, so this is the right call unless the pool is full.
 */
public interface Upstream {
  /** Progress of this call, already under the agent's own token. */
  void progress(McpSchema.ProgressNotification notification);

  /** A log message of the server; the agent's session filters by its level. */
  void log(McpSchema.LoggingMessageNotification notification);

  /**
   * Asks the agent's client for an LLM completion.
   *
   * @throws RuntimeException naming the reason when the client cannot (e.g. it has no sampling)
   */
  McpSchema.CreateMessageResult sample(McpSchema.CreateMessageRequest request);

  /**
   * Asks the agent's user for input through the agent's client.
   *
   * @throws RuntimeException naming the reason when the client cannot
   */
  McpSchema.ElicitResult elicit(McpSchema.ElicitRequest request);

  /**
   * Runs {@code action} when the agent cancels the call (at most once; at once if it already has).
   */
  void onCancel(Runnable action);
}
