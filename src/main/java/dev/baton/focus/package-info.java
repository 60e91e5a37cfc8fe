/**
 * Focus blocks and breaks for the person who runs the fleet: one timer per broker store, shared by
 * every instance. A work block (default 25 min) is followed by a break (5 min; every fourth a long
 * one, 15 min). Invariants: the timer lives in the store and time comes from the injected clock
 * only, so it survives a restart; each change of the timer is one compare-and-set of the stored
 * state together with its event, so a break is announced by exactly one {@code focus.break_started}
 * event whatever the number of instances or broker nodes; at most {@code focus.max-snoozes} snoozes
 * in a row. What reaches the person ({@code internal.Reminders}) follows only the events this node
 * commits, so each break, hyperfocus reminder or message is told once for the whole fleet, through
 * the {@link dev.baton.focus.Notifier} channels {@code focus.notify} names (tmux in the registered
 * {@link dev.baton.focus.FleetSessions}, the desktop), off the committing thread; {@code
 * focus.quiet} holds all but urgent messages. Records are immutable; the services are thread-safe.
 */
package dev.baton.focus;
