// Draws the model into the page. Text goes in through textContent only, never as HTML.
import { roleTag } from './fleet.js';

/** h('td', {class: 'x'}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const $ = (id) => document.getElementById(id);

function clock(ms) {
  if (!ms) return '';
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

function span(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

function baseName(p) {
  return p.replace(/\/+$/, '').split('/').pop();
}

function shortPath(p) {
  return p && p.length > 48 ? '…' + p.substring(p.length - 47) : p;
}

export function renderLegend(rule) {
  $('fleet-legend').textContent = Object.values(rule.states)
    .map((s) => `${s.symbol} ${s.label}`)
    .join('   ');
}

export function renderFleet(fleet, now, actions) {
  const rows = fleet.rows(now);
  const live = rows.filter((r) => r.state.name !== 'GONE').length;
  $('fleet-count').textContent = `(${live})`;
  $('fleet-empty').hidden = rows.length > 0;
  $('fleet-rows').replaceChildren(
    ...rows.map((r) =>
      h('tr', { 'data-instance': r.id, 'data-state': r.state.name.toLowerCase(), class: 'state-' + r.state.name.toLowerCase() },
        h('td', { class: 'state' }, h('span', { class: 'symbol', 'aria-hidden': 'true' }, r.state.symbol), ' ', r.state.label),
        h('td', {}, h('span', { class: 'role role-' + (r.role || 'x').toLowerCase(), title: r.role }, roleTag(r.role))),
        h('td', { class: 'id' }, r.id),
        h('td', { class: 'where', title: r.worktree || '' }, r.worktree ? '▣ ' + baseName(r.worktree) : h('span', { class: 'dash' }, '—'), r.branch ? h('div', { class: 'branch' }, '⎇ ' + r.branch) : null),
        h('td', { class: 'files' }, r.files.length === 0 ? h('span', { class: 'dash' }, '—') : h('span', {}, `${r.files.length}: `, r.files.slice(0, 3).map(shortPath).join(', '), r.files.length > 3 ? ' …' : '')),
        h('td', { class: 'act' }, r.worktree && r.state.name !== 'GONE'
          ? h('button', { type: 'button', class: 'small', onclick: () => actions.land(r.id) }, '↑ Land')
          : null))));
}

export function renderLeases(fleet, actions) {
  $('lease-count').textContent = `(${fleet.leases.length})`;
  $('lease-list').replaceChildren(
    ...(fleet.leases.length === 0 ? [h('li', { class: 'empty' }, 'No files held.')] : fleet.leases.map((l) =>
      h('li', { 'data-lease': l.id },
        h('span', { class: 'mode', title: l.mode }, l.mode === 'shared' ? '◇ shared' : '◆ exclusive'), ' ',
        h('strong', {}, shortPath(l.path)), ' ',
        h('span', { class: 'muted' }, `${roleTag(l.role)} ${l.instance}${l.reason ? ' — ' + l.reason : ''}`), ' ',
        h('button', { type: 'button', class: 'small danger', onclick: () => actions.release(l) }, '✗ Force release')))));
  $('waiting-count').textContent = `(${fleet.waiting.length})`;
  $('waiting-list').replaceChildren(
    ...(fleet.waiting.length === 0 ? [h('li', { class: 'empty' }, 'Nobody waits.')] : fleet.waiting.map((w) =>
      h('li', { 'data-waiting': w.instance },
        h('span', { 'aria-hidden': 'true' }, '◔ '), `${roleTag(w.role)} ${w.instance} waits for `,
        h('strong', {}, (w.paths || []).map(shortPath).join(', ')), ` since ${clock(Date.parse(w.since))}`))));
}

const LAND_SYMBOL = { queued: '⧗', started: '▶', running: '▶', landed: '✓', conflicted: '✗', failed: '✗' };

export function renderLands(fleet) {
  const open = fleet.lands.filter((l) => l.status === 'queued' || l.status === 'started' || l.status === 'running').length;
  $('land-count').textContent = `(${open} open)`;
  $('land-list').replaceChildren(
    ...(fleet.lands.length === 0 ? [h('li', { class: 'empty' }, 'Nothing landed yet.')] : fleet.lands.slice(0, 12).map((l) =>
      h('li', { 'data-land': l.id, 'data-status': l.status, class: 'land-' + l.status },
        h('span', { class: 'symbol', 'aria-hidden': 'true' }, (LAND_SYMBOL[l.status] || '•') + ' '),
        h('strong', {}, l.status), ` ${l.branch || l.instance} → ${l.base || ''}`,
        l.error ? h('div', { class: 'muted' }, l.error) : null))));
}

export function renderFocus(fleet, now) {
  const f = fleet.focus;
  const node = $('focus-now');
  if (!f || f.mode === 'idle') {
    node.dataset.mode = 'idle';
    node.textContent = '○ no timer running';
    $('focus-next').textContent = 'Start a block to get one break reminder for the whole fleet.';
    return;
  }
  node.dataset.mode = f.mode;
  const left = f.until ? Date.parse(f.until) - now : null;
  if (f.mode === 'break') {
    node.textContent = `☕ Break${f.longBreak ? ' (long)' : ''}: ${left === null ? '' : span(left) + ' left'}`;
    $('focus-next').textContent = f.until ? `Back to work at ${clock(Date.parse(f.until))}.` : '';
  } else {
    node.textContent = `● Focus block ${f.block || ''}: ${left === null ? '' : span(left) + ' left'}`
      + (f.hyperfocus ? ' — ‼ time for a real break' : '');
    const next = f.nextBreakAt ? Date.parse(f.nextBreakAt) : null;
    $('focus-next').textContent = next ? `Next break at ${clock(next)} (in ${span(next - now)}).` : '';
  }
}

export function renderTalk(fleet) {
  $('talk-list').replaceChildren(
    ...(fleet.talk.length === 0 ? [h('li', { class: 'empty' }, 'Nothing said yet.')] : fleet.talk.slice(0, 15).map((t) =>
      h('li', {}, h('span', { class: 'muted' }, clock(t.at) + ' '), t.text))));
  const select = $('broadcast-workspace');
  const spaces = fleet.workspaces();
  const current = select.value;
  if ([...select.options].map((o) => o.value).join('\n') !== spaces.join('\n')) {
    select.replaceChildren(...spaces.map((w) => h('option', { value: w }, w.split('/').pop() || w)));
    if (spaces.includes(current)) select.value = current;
  }
}

const MEMORY_MARK = { decision: '◆ decision', progress: '▸ progress', system_pattern: '◇ pattern', custom_data: '· data' };

export function renderMemory(fleet) {
  $('memory-list').replaceChildren(
    ...(fleet.memory.length === 0 ? [h('li', { class: 'empty' }, 'No memory items in the last day.')] : fleet.memory.slice(0, 12).map((m) =>
      h('li', { 'data-memory': m.id },
        h('span', { class: 'tag' }, MEMORY_MARK[m.type] || m.type), ' ',
        m.summary || m.description || m.name || m.key || ''))));
}

export function renderConnection(state, text) {
  const c = $('connection');
  c.dataset.state = state;
  c.textContent = text;
}

export function notice(text) {
  const n = $('notice');
  n.textContent = text;
  n.hidden = !text;
}
