// Preload for the MCP conformance CLI, which has no way to send headers:
//   node --import ./bearer.mjs .../conformance/dist/index.js server --url http://127.0.0.1:PORT/mcp/ROLE
// Adds "Authorization: Bearer $BATON_TOKEN" to every request to $BATON_URL_PREFIX (default: any URL),
// both through global fetch (the SDK transport, raw fetch scenarios) and through undici's global
// dispatcher (undici.request, used by the DNS-rebinding scenario).
const token = process.env.BATON_TOKEN ?? '';
const prefix = process.env.BATON_URL_PREFIX ?? '';
const wanted = (url) => token !== '' && String(url).startsWith(prefix);

const fetch0 = globalThis.fetch;
globalThis.fetch = (input, init = {}) => {
  const url = input instanceof Request ? input.url : input;
  if (!wanted(url)) return fetch0(input, init);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`);
  return fetch0(input, { ...init, headers });
};

try {
  const { createRequire } = await import('node:module');
  const { pathToFileURL } = await import('node:url');
  const undiciPath = createRequire(process.argv[1]).resolve('undici');
  const undici = await import(pathToFileURL(undiciPath).href);
  const base = undici.getGlobalDispatcher();
  undici.setGlobalDispatcher(
    base.compose((dispatch) => (opts, handler) => {
      if (wanted(new URL(opts.path, opts.origin))) {
        let headers = opts.headers ?? {};
        if (Array.isArray(headers)) {
          const pairs = {};
          for (let i = 0; i + 1 < headers.length; i += 2) pairs[headers[i]] = headers[i + 1];
          headers = pairs;
        }
        const has = Object.keys(headers).some((k) => k.toLowerCase() === 'authorization');
        opts = { ...opts, headers: has ? headers : { ...headers, authorization: `Bearer ${token}` } };
      }
      return dispatch(opts, handler);
    }),
  );
} catch (e) {
  console.error(`bearer.mjs: undici requests go without the token (${e.message})`);
}
