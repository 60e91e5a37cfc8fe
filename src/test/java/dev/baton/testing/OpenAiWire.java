package dev.baton.testing;

import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAI Responses API's answers as {@link FakeOpenAi} sends them: the server-sent events of
 * one streamed response ({@code response.created}, one {@code response.output_item.done} per output
 * item, {@code response.completed} with usage), the events Codex acts on.
 *
 * <p>What a {@link ModelStep} becomes depends on the tools the request offered: a tool of type
 * {@code custom} (Codex's {@code apply_patch} under gpt-5.x) is called with a {@code
 * custom_tool_call} whose input is the call's {@code input} argument, raw; {@code tool_search} with
 * a {@code tool_search_call}; a name {@code mcp__<server>__<tool>} that is not offered as a
 * function (Codex defers MCP tools behind tool_search) with a {@code function_call} in the
 * namespace {@code mcp__<server>}; anything else with a plain {@code function_call}.
 */
final class OpenAiWire {
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OpenAiWire() {}

  /** The events that answer {@code request} with {@code step}, with fresh ids. */
  static String events(ModelStep step, ResponsesRequest request) {
    String id = "resp_" + hex(24);
    StringBuilder out = new StringBuilder();
    ObjectNode created = NODES.objectNode();
    created.set("response", response(id, null));
    event(out, "response.created", created);
    int index = 0;
    for (JsonNode item : items(step, request)) {
      ObjectNode done = NODES.objectNode().put("output_index", index++);
      done.set("item", item);
      event(out, "response.output_item.done", done);
    }
    int input = Math.max(1, request.body().toString().length() / 4);
    ObjectNode completed = NODES.objectNode();
    completed.set("response", response(id, usage(input, 16)));
    event(out, "response.completed", completed);
    return out.toString();
  }

  /** An error body as the API sends it. */
  static String error(String type, String message) {
    ObjectNode error = NODES.objectNode().put("type", type).put("message", message);
    return JSON.writeValueAsString(NODES.objectNode().set("error", error));
  }

  private static ArrayNode items(ModelStep step, ResponsesRequest request) {
    ArrayNode items = NODES.arrayNode();
    if (step instanceof ModelStep.Text text) {
      ObjectNode part = NODES.objectNode().put("type", "output_text").put("text", text.text());
      part.set("annotations", NODES.arrayNode());
      ObjectNode message = items.addObject();
      message.put("type", "message").put("id", "msg_" + hex(24)).put("role", "assistant");
      message.put("status", "completed").putArray("content").add(part);
    } else if (step instanceof ModelStep.ToolUses uses) {
      for (ModelStep.ToolCall call : uses.calls()) {
        items.add(call(call, request));
      }
    }
    return items;
  }

  private static ObjectNode call(ModelStep.ToolCall call, ResponsesRequest request) {
    String callId = "call_" + hex(24);
    String type = request.toolType(call.name());
    ObjectNode item = NODES.objectNode();
    if ("custom".equals(type)) {
      Object input = call.input().get("input");
      return item.put("type", "custom_tool_call")
          .put("id", "ctc_" + hex(24))
          .put("call_id", callId)
          .put("name", call.name())
          .put("input", input == null ? "" : input.toString())
          .put("status", "completed");
    }
    if ("tool_search".equals(type)) {
      item.put("type", "tool_search_call").put("call_id", callId).put("execution", "client");
      item.put("status", "completed").set("arguments", JSON.valueToTree(call.input()));
      return item;
    }
    item.put("type", "function_call").put("id", "fc_" + hex(24)).put("call_id", callId);
    int split = call.name().startsWith("mcp__") ? call.name().indexOf("__", 5) : -1;
    if (type == null && split > 0) {
      item.put("namespace", call.name().substring(0, split));
      item.put("name", call.name().substring(split + 2));
    } else {
      item.put("name", call.name());
    }
    item.put("arguments", JSON.writeValueAsString(call.input()));
    return item.put("status", "completed");
  }

  private static ObjectNode response(String id, JsonNode usage) {
    ObjectNode response = NODES.objectNode().put("id", id).put("object", "response");
    response.put("status", usage == null ? "in_progress" : "completed");
    if (usage != null) {
      response.set("usage", usage);
    }
    return response;
  }

  private static ObjectNode usage(int input, int output) {
    ObjectNode usage = NODES.objectNode().put("input_tokens", input);
    usage.set("input_tokens_details", NODES.objectNode().put("cached_tokens", 0));
    usage.put("output_tokens", output);
    usage.set("output_tokens_details", NODES.objectNode().put("reasoning_tokens", 0));
    return usage.put("total_tokens", input + output);
  }

  private static void event(StringBuilder out, String name, ObjectNode data) {
    ObjectNode typed = NODES.objectNode().put("type", name);
    typed.setAll(data);
    out.append("event: ").append(name).append('\n');
    out.append("data: ").append(JSON.writeValueAsString(typed)).append("\n\n");
  }

  private static String hex(int length) {
    return (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "").substring(0, length);
  }
}
