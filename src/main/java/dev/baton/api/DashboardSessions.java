package dev.baton.api;

import dev.baton.core.BatonException;
import dev.baton.core.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dashboard's one-time codes and the browser sessions they become. A code is issued to a local
 * caller ({@code baton dashboard}, over the Unix socket), lives {@link #CODE_TTL} and can be
 * exchanged once; the session it becomes carries its own CSRF token and lives {@link #SESSION_TTL}.
 * Everything is in memory: a broker restart ends every session. Thread-safe (one lock, held for map
 * operations only).
 */
public final class DashboardSessions {
  /** How long a one-time code may wait to be exchanged. */
  public static final Duration CODE_TTL = Duration.ofSeconds(60);

  /** How long a browser session lasts after its code was exchanged. */
  public static final Duration SESSION_TTL = Duration.ofHours(12);

  /** Codes issued and not yet forgotten; more are refused, so that a loop cannot fill memory. */
  static final int MAX_CODES = 100;

  private static final int SECRET_BYTES = 32;

  /** A code that was issued, and whether (and when) it was used. */
  private record Code(Instant expiresAt, Instant usedAt) {}

  /** A fresh one-time code for {@code baton dashboard}. */
  public record IssuedCode(String code, Instant expiresAt) {}

  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Code> codes = new HashMap<>();
  private final Map<String, DashboardSession> sessions = new HashMap<>();

  public DashboardSessions(Clock clock) {
    this.clock = clock;
  }

  /**
   * Issues a one-time code.
   *
   * @throws BatonException {@code unavailable} when {@link #MAX_CODES} codes wait to be used
   */
  public synchronized IssuedCode issue() {
    Instant now = clock.instant();
    forgetOld(now);
    if (codes.size() >= MAX_CODES) {
      throw new BatonException(
          ErrorCode.UNAVAILABLE,
          MAX_CODES
              + " dashboard codes are waiting to be used; try again in "
              + CODE_TTL.toSeconds()
              + " s");
    }
    String code = secret();
    Instant expiresAt = now.plus(CODE_TTL);
    codes.put(code, new Code(expiresAt, null));
    return new IssuedCode(code, expiresAt);
  }

  /**
   * Exchanges a code for a new session; the code cannot be used again.
   *
   * @throws BatonException {@code forbidden} for a code that is unknown, used or expired, saying
   *     which; nothing changes then
   */
  public synchronized DashboardSession redeem(String code) {
    Instant now = clock.instant();
    forgetOld(now);
    Code known = code == null ? null : codes.get(code);
    if (known == null) {
      throw refused(
          "this dashboard code is unknown to the broker (codes last "
              + CODE_TTL.toSeconds()
              + " s and end with a broker restart)");
    }
    if (known.usedAt() != null) {
      throw refused("this dashboard code was already used at " + known.usedAt());
    }
    if (!now.isBefore(known.expiresAt())) {
      throw refused("this dashboard code expired at " + known.expiresAt());
    }
    codes.put(code, new Code(known.expiresAt(), now));
    DashboardSession session = new DashboardSession(secret(), secret(), now, now.plus(SESSION_TTL));
    sessions.put(session.id(), session);
    return session;
  }

  /** The live session with this id, if any. */
  public synchronized Optional<DashboardSession> session(String id) {
    if (id == null || id.isEmpty()) {
      return Optional.empty();
    }
    DashboardSession s = sessions.get(id);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt())) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(s);
  }

  /** Sessions that are still open; for tests and metrics. */
  public synchronized int openSessions() {
    Instant now = clock.instant();
    sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    return sessions.size();
  }

  /** True when {@code token} is the session's CSRF token; compared in constant time. */
  public static boolean csrfMatches(DashboardSession session, String token) {
    return token != null
        && MessageDigest.isEqual(
            session.csrf().getBytes(StandardCharsets.UTF_8),
            token.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Forgets codes a while after they expired (used ones are kept as long, so that a reused code is
   * told apart from an unknown one) and sessions that expired.
   */
  private void forgetOld(Instant now) {
    codes.values().removeIf(c -> !now.isBefore(c.expiresAt().plus(CODE_TTL)));
    sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
  }

  private String secret() {
    byte[] bytes = new byte[SECRET_BYTES];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static BatonException refused(String why) {
    return new BatonException(
        ErrorCode.FORBIDDEN, why + "; run 'baton dashboard' for a new link", Map.of());
  }
}
