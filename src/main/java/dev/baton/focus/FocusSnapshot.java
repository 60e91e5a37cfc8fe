package dev.baton.focus;

import java.time.Instant;

/**
 * The timer as the person and the agents see it.
 *
 * @param mode idle, working or break
 * @param since when the current block or break started; null when idle
 * @param until when it ends; null when idle
 * @param block the number of the current (or last) block, from 1; 0 before the first
 * @param nextBreakAt when the next break is due; null unless a block runs
 * @param longBreak true when the current break (or the one after the current block) is long
 * @param snoozesLeft how many more times the next break may be postponed
 * @param hyperfocus true when the person has worked {@code focus.hyperfocus-after} without a break
 * @param workedSince when the current stretch of work without a break began; null when none
 */
public record FocusSnapshot(
    FocusMode mode,
    Instant since,
    Instant until,
    int block,
    Instant nextBreakAt,
    boolean longBreak,
    int snoozesLeft,
    boolean hyperfocus,
    Instant workedSince) {}
