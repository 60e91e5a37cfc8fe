// What the page knows of the fleet, and the state rule of api/InstanceState (its symbols, labels
// and active window come from the broker, in the page's baton-states meta tag).

/** Events that something else did to the instance they name: no change of its own. */
const NOT_ITS_OWN = new Set([
  'instance.expired', 'instance.deregistered', 'lease.expired', 'lease.orphaned',
  'message.sent', 'handoff.sent', 'message.acked',
]);

const GONE_EVENTS = new Set(['instance.expired', 'instance.deregistered']);

/** How long an instance known from its registration event alone is kept without a list. */
const FRESH_MS = 5000;

export class Fleet {
  constructor(rule) {
    this.rule = rule;
    this.instances = new Map(); // id -> InstanceJson
    this.gone = new Map(); // id -> {role, at}
    this.lastChange = new Map(); // id -> ms
    this.leases = [];
    this.waiting = [];
    this.lands = [];
    this.handoffs = [];
    this.focus = null;
    this.memory = [];
    this.talk = []; // newest first: {key, at, kind, text}
    this.talkKeys = new Set();
    this.fresh = new Map(); // id -> when its registration event arrived
  }

  /**
   * Takes the instance list; ids that are no longer in it are gone, except those whose
   * registration event came in the last few seconds (the list may have been asked for before it).
   */
  setInstances(list, now) {
    const ids = new Set(list.map((i) => i.id));
    const next = new Map(list.map((i) => [i.id, i]));
    for (const [id, i] of this.instances) {
      if (ids.has(id)) continue;
      if (this.fresh.has(id) && now - this.fresh.get(id) < FRESH_MS) next.set(id, i);
      else if (!this.gone.has(id)) this.gone.set(id, { role: i.role, at: now });
    }
    this.instances = next;
    for (const id of ids) {
      this.gone.delete(id);
      this.fresh.delete(id);
    }
  }

  /**
   * Notes who changed something, who came, who went, and what was said. Returns true when the
   * fleet's rows changed (a registration or an end), so that the page draws them at once.
   */
  note(e) {
    const at = Date.parse(e.at);
    let rows = false;
    if (GONE_EVENTS.has(e.type) && e.instance) {
      const known = this.instances.get(e.instance);
      this.gone.set(e.instance, { role: known ? known.role : e.data?.role ?? '?', at });
      this.instances.delete(e.instance);
      this.fresh.delete(e.instance);
      rows = true;
    } else if (e.type === 'instance.registered' && e.instance && !this.instances.has(e.instance)) {
      const d = e.data || {};
      this.instances.set(e.instance, {
        id: e.instance, role: d.role, client: d.client, workspace: e.workspace,
        worktree: d.worktree, branch: d.branch, createdAt: e.at,
      });
      this.gone.delete(e.instance);
      this.fresh.set(e.instance, Date.now());
      rows = true;
    }
    const actor = NOT_ITS_OWN.has(e.type) ? e.data?.from : e.instance;
    if (actor && !(this.lastChange.get(actor) >= at)) this.lastChange.set(actor, at);
    return this.say(e) || rows;
  }

  say(e) {
    const d = e.data || {};
    let key = null;
    let text = null;
    if (e.type === 'message.sent') {
      key = 'm' + d.message;
      const mark = d.importance === 'urgent' ? '‼ ' : d.importance === 'low' ? '· ' : '';
      text = `${mark}${d.from || 'person'} → ${d.to}: ${d.text}`;
    } else if (e.type.startsWith('handoff.')) {
      key = 'h' + (d.id ?? d.handoff) + e.type;
      const verb = e.type.substring('handoff.'.length);
      text = `⇄ handoff ${verb}: ${d.from || '?'} → ${d.to || d.waitingForRole || e.instance || '?'}`
        + (d.summary ? ` — ${d.summary}` : '');
    } else if (e.type.startsWith('land.')) {
      key = 'l' + e.id;
      text = `↑ land ${e.type.substring(5)}: ${e.instance || ''}`;
    }
    if (key && !this.talkKeys.has(key)) {
      this.talkKeys.add(key);
      this.talk.unshift({ key, at: Date.parse(e.at), text });
      if (this.talk.length > 40) this.talkKeys.delete(this.talk.pop().key);
      return true;
    }
    return false;
  }

  /** The state of a live instance, as api/InstanceState.of decides it. */
  stateOf(i, now) {
    const waiting = this.waiting.some((w) => w.instance === i.id);
    const handingOff = this.handoffs.some((h) => h.from === i.id && h.status === 'pending');
    const last = Math.max(this.lastChange.get(i.id) ?? 0, Date.parse(i.createdAt) || 0);
    let name = 'IDLE';
    if (waiting) name = 'WAITING';
    else if (handingOff) name = 'HANDING_OFF';
    else if (now - last < this.rule.activeWindowMs) name = 'WORKING';
    return { name, ...this.rule.states[name] };
  }

  /** Rows for the fleet table: live instances, then those gone in the last active window. */
  rows(now) {
    const held = new Map();
    for (const l of this.leases) {
      if (!held.has(l.instance)) held.set(l.instance, []);
      held.get(l.instance).push(l.path);
    }
    const live = [...this.instances.values()]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((i) => ({ ...i, state: this.stateOf(i, now), files: held.get(i.id) || [] }));
    const gone = [...this.gone.entries()]
      .filter(([, g]) => now - g.at < this.rule.activeWindowMs)
      .map(([id, g]) => ({ id, role: g.role, state: { name: 'GONE', ...this.rule.states.GONE }, files: [] }));
    return live.concat(gone);
  }

  workspaces() {
    return [...new Set([...this.instances.values()].map((i) => i.workspace))].sort();
  }
}

/** DEV for developer, REV for reviewer: the role's first three letters, as the status line. */
export function roleTag(role) {
  return (role || '?').substring(0, 3).toUpperCase();
}
