package dev.baton.api;

import dev.baton.focus.FocusSnapshot;
import java.time.Instant;

/**
 * The focus timer on the wire. {@code since}, {@code until} and {@code nextBreakAt} are absent when
 * they do not apply (idle; not working).
 *
 * @param mode {@code idle}, {@code working} or {@code break}
 * @param since when the current block or break started
 * @param until when it ends
 * @param block the number of the current (or last) block, from 1
 * @param nextBreakAt when the next break is due
 * @param longBreak the current (or next) break is a long one
 * @param snoozesLeft how many more times the next break may be postponed
 * @param hyperfocus the person has worked {@code focus.hyperfocus-after} without a break
 * @param workedSince when the current stretch of work without a break began; absent when none
 */
public record FocusJson(
    String mode,
    Instant since,
    Instant until,
    int block,
    Instant nextBreakAt,
    boolean longBreak,
    int snoozesLeft,
    boolean hyperfocus,
    Instant workedSince) {

  public static FocusJson from(FocusSnapshot s) {
    return new FocusJson(
        s.mode().wireName(),
        s.since(),
        s.until(),
        s.block(),
        s.nextBreakAt(),
        s.longBreak(),
        s.snoozesLeft(),
        s.hyperfocus(),
        s.workedSince());
  }
}
