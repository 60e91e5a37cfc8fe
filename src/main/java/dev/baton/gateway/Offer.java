package dev.baton.gateway;

import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;

/** What a downstream server offers: its tools, resources, resource templates and prompts. */
record Offer(
    List<McpSchema.Tool> tools,
    List<McpSchema.Resource> resources,
    List<McpSchema.ResourceTemplate> templates,
    List<McpSchema.Prompt> prompts) {
  static final Offer NONE = new Offer(List.of(), List.of(), List.of(), List.of());

  Offer {
    tools = List.copyOf(tools);
    resources = List.copyOf(resources);
    templates = List.copyOf(templates);
    prompts = List.copyOf(prompts);
  }
}
