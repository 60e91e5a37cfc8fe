/**
 * Focus blocks and breaks for the person who runs the fleet: one timer per broker store, shared by
 * every instance. A work block (default 25 min) is followed by a break (5 min; every fourth a long
 * one, 15 min). Invariants: the timer lives in the store and time comes from the injected clock
 * only, so it survives a restart; each change of the timer is one compare-and-set of the stored
 * state together with its event, so a break is announced by exactly one {@code focus.break_started}
 * event whatever the number of instances or broker nodes; at most {@code focus.max-snoozes} snoozes
 * in a row. Records are immutable; the service is thread-safe.
 */
package dev.baton.focus;
