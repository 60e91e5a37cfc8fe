// The live dashboard: a snapshot of the broker's state, then its event stream (GET /v1/events,
// server-sent events, read with fetch so that every event type arrives) from a little before the snapshot, so the page follows without reloading.
// Reads go to the broker's /v1 routes with the session cookie; actions also send the CSRF token.
import { Fleet } from './fleet.js';
import * as view from './view.js';

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const CSRF = meta('baton-csrf');
const RULE = JSON.parse(meta('baton-states'));
const REPLAYED = 300;
const SLOW_REFRESH_MS = 10000;

// bench/run-dashboard opens /?measure: each update is then a measure on the performance timeline
const MEASURE = new URLSearchParams(window.location.search).has('measure');

const fleet = new Fleet(RULE);
let sessionOver = false;

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Baton-CSRF'] = CSRF;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin', cache: 'no-store',
  });
  const json = await response.json().catch(() => ({}));
  if (response.status === 401) endSession();
  if (!response.ok) throw new Error(json.error?.message || `${method} ${path}: ${response.status}`);
  return json;
}

const q = encodeURIComponent;

// What each kind of change asks the broker for again.
const LOADERS = {
  instances: async () => fleet.setInstances((await api('GET', '/v1/instances')).instances, Date.now()),
  leases: async () => { fleet.leases = (await api('GET', '/v1/leases')).leases; },
  waiting: async () => {
    const lists = await Promise.all(fleet.workspaces().map((w) => api('GET', `/v1/leases/waiting?workspace=${q(w)}`)));
    fleet.waiting = lists.flatMap((l) => l.waiting);
  },
  lands: async () => { fleet.lands = (await api('GET', '/v1/lands?limit=20')).lands; },
  handoffs: async () => { fleet.handoffs = (await api('GET', '/v1/handoffs?status=pending&limit=100')).handoffs; },
  focus: async () => { fleet.focus = await api('GET', '/v1/focus'); },
  memory: async () => {
    const all = await Promise.all(fleet.workspaces().map((w) => api('GET', `/v1/memory/recent?workspace=${q(w)}&limit=10`)));
    fleet.memory = all.flatMap((r) => Object.entries(r)
      .filter(([k, v]) => k !== 'contexts' && Array.isArray(v)).flatMap(([, v]) => v))
      .sort((a, b) => String(b.timestamp || '').localeCompare(String(a.timestamp || '')));
  },
};

// Which loaders an event type calls for.
function kindsOf(type) {
  if (type.startsWith('instance.') || type.startsWith('worktree.')) return ['instances', 'leases', 'waiting'];
  if (type.startsWith('lease.')) return ['leases', 'waiting'];
  if (type.startsWith('land.')) return ['lands'];
  if (type.startsWith('handoff.')) return ['handoffs', 'leases'];
  if (type.startsWith('focus.')) return ['focus'];
  if (type.startsWith('memory.') || type === 'checkpoint.taken') return ['memory'];
  return [];
}

// Coalesced refreshes: at most one round of requests in flight; changes meanwhile make one more.
const wanted = new Set();
let refreshing = false;
function want(kinds) {
  kinds.forEach((k) => wanted.add(k));
  if (!refreshing && wanted.size > 0) refresh();
}
async function refresh() {
  refreshing = true;
  try {
    while (wanted.size > 0 && !sessionOver) {
      const began = performance.now();
      const kinds = [...wanted];
      wanted.clear();
      // the per-workspace lists need the instance list first
      if (kinds.includes('instances')) await LOADERS.instances();
      await Promise.all(kinds.filter((k) => k !== 'instances').map((k) => LOADERS[k]()));
      render();
      if (MEASURE) performance.measure('baton.update', { start: began });
    }
  } catch (e) {
    view.notice(e.message);
  } finally {
    refreshing = false;
  }
}

const actions = {
  async land(instance) {
    await act(() => api('POST', '/v1/lands', { instance }), `land of ${instance} queued`);
  },
  async release(lease) {
    if (!window.confirm(`Take ${lease.path} away from ${lease.instance}?`)) return;
    await act(() => api('DELETE', `/v1/leases/${q(lease.id)}?force=true&by=dashboard`), `${lease.path} released`);
  },
  async focus(action) {
    await act(() => api('POST', '/v1/focus', { action }), action === 'break' ? 'break started' : 'block started');
  },
  async broadcast(workspace, text) {
    await act(() => api('POST', '/v1/messages', { workspace, to: 'all', text }), 'sent to every agent');
  },
};

async function act(call, done) {
  try {
    await call();
    view.notice('✓ ' + done);
  } catch (e) {
    view.notice('✗ ' + e.message);
  }
}

function render() {
  const began = performance.now();
  const now = Date.now();
  view.renderFleet(fleet, now, actions);
  view.renderLeases(fleet, actions);
  view.renderLands(fleet);
  view.renderFocus(fleet, now);
  view.renderTalk(fleet);
  view.renderMemory(fleet);
  document.body.dataset.renderedAt = String(now);
  if (MEASURE) performance.measure('baton.render', { start: began });
}

function endSession() {
  if (sessionOver) return;
  sessionOver = true;
  view.renderConnection('ended', '✗ session ended');
  view.notice("This dashboard session has ended (the broker restarted?). Run 'baton dashboard' for a new link.");
}

function onEvent(e) {
  const drawNow = fleet.note(e);
  want(kindsOf(e.type));
  if (drawNow || (!refreshing && wanted.size === 0)) render();
}

/** Parses server-sent events from a fetch body: every event type, without EventSource's limits. */
async function readEvents(body, seen) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.substring(0, cut);
      buffer = buffer.substring(cut + 2);
      let id = null;
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) id = line.substring(3).trim();
        else if (line.startsWith('data:')) data.push(line.substring(5).replace(/^ /, ''));
      }
      if (id !== null) seen(id);
      if (data.length > 0) onEvent(JSON.parse(data.join('\n')));
    }
  }
}

/** Follows /v1/events from an event id; reconnects from the last one seen, every 2 s. */
async function follow(after) {
  let last = after;
  while (!sessionOver) {
    try {
      const response = await fetch(`/v1/events?after=${last}`, {
        credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'text/event-stream' },
      });
      if (response.status === 401) return endSession();
      if (!response.ok) throw new Error(`event stream: ${response.status}`);
      view.renderConnection('live', '● live');
      want(Object.keys(LOADERS)); // anything missed while away
      await readEvents(response.body, (id) => { last = id; });
    } catch (e) {
      // the broker went away; say so and try again
    }
    view.renderConnection('down', '◌ reconnecting…');
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

async function start() {
  view.renderLegend(RULE);
  document.getElementById('focus-start').addEventListener('click', () => actions.focus('start'));
  document.getElementById('focus-break').addEventListener('click', () => actions.focus('break'));
  document.getElementById('broadcast').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = document.getElementById('broadcast-text');
    const workspace = document.getElementById('broadcast-workspace').value;
    if (!workspace) return view.notice('✗ no repository known yet: register an instance first');
    actions.broadcast(workspace, text.value).then(() => { text.value = ''; });
  });
  try {
    const health = await api('GET', '/v1/health');
    await LOADERS.instances();
    await Promise.all(Object.keys(LOADERS).filter((k) => k !== 'instances').map((k) => LOADERS[k]()));
    render();
    follow(Math.max(0, health.lastEventId - REPLAYED));
  } catch (e) {
    view.notice(e.message);
  }
  setInterval(() => { if (!sessionOver) render(); }, 1000); // clocks and working → idle
  setInterval(() => want(['memory', 'waiting']), SLOW_REFRESH_MS); // no events of their own
}

start();
