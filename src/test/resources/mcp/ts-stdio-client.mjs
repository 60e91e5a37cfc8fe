// A stdio MCP client built on the official TypeScript SDK, as Codex-like and Node-based agents
// start their servers: the SDK's StdioClientTransport gives the server only its default
// environment (HOME, LOGNAME, PATH, SHELL, TERM, USER), not the caller's.
// The SDK's client checks each result against the tool's outputSchema and fails the call when it
// does not conform.
// Usage: node ts-stdio-client.mjs PACKAGES_DIR CALLS COMMAND [ARG...]
// CALLS is a tool name, or a JSON array of {"name", "arguments"}. Prints {"tools": [names],
// "results": [{"name", "isError", "result": <first text content, parsed>}]} on standard output,
// and "result"/"isError" of the last call at the top level.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [packages, callsArg, command, ...args] = process.argv.slice(2);
const calls = callsArg.startsWith("[") ? JSON.parse(callsArg) : [{ name: callsArg, arguments: {} }];
const require = createRequire(packages.replace(/\/?$/, "/"));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { Client } = await load("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = await load("@modelcontextprotocol/sdk/client/stdio.js");

const transport = new StdioClientTransport({ command, args, cwd: process.cwd(), stderr: "inherit" });
const client = new Client({ name: "ts-sdk-test-client", version: "1.0.0" });
const timer = setTimeout(() => {
  console.error("no answer within 60 s");
  process.exit(3);
}, 60000);
try {
  await client.connect(transport);
  const listed = await client.listTools();
  const results = [];
  for (const call of calls) {
    const called = await client.callTool({ name: call.name, arguments: call.arguments ?? {} });
    const text = called.content?.[0]?.text ?? "null";
    let result;
    try {
      result = JSON.parse(text);
    } catch {
      result = text;
    }
    results.push({ name: call.name, isError: !!called.isError, result });
  }
  const last = results[results.length - 1];
  console.log(
    JSON.stringify({ tools: listed.tools.map((t) => t.name), results, isError: last.isError, result: last.result }),
  );
  await client.close();
  clearTimeout(timer);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(2);
}
