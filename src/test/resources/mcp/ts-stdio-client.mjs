// A stdio MCP client built on the official TypeScript SDK, as Codex-like and Node-based agents
// start their servers: the SDK's StdioClientTransport gives the server only its default
// environment (HOME, LOGNAME, PATH, SHELL, TERM, USER), not the caller's.
// Usage: node ts-stdio-client.mjs PACKAGES_DIR TOOL COMMAND [ARG...]
// Prints {"tools": [names], "result": <the tool's first text content, parsed>} on standard output.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const [packages, tool, command, ...args] = process.argv.slice(2);
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
  const called = await client.callTool({ name: tool, arguments: {} });
  const text = called.content?.[0]?.text ?? "null";
  let result;
  try {
    result = JSON.parse(text);
  } catch {
    result = text;
  }
  console.log(JSON.stringify({ tools: listed.tools.map((t) => t.name), isError: !!called.isError, result }));
  await client.close();
  clearTimeout(timer);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(2);
}
