package dev.baton.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Keeps the MCP SDK's reports of a client that has gone out of the log unless its logger is at
 * DEBUG: its server transport logs "Failed to send message to session …: Client disconnected" as an
 * ERROR, and its keep-alive scheduler the failed ping as a WARN, when a keep-alive ping meets a
 * client that just hung up. Clients come and go; that is not an error (set in logback.xml).
 */
public final class ClientGoneFilter extends TurboFilter {
  private static final String SDK = "io.modelcontextprotocol";

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null
        || level == null
        || !logger.getName().startsWith(SDK)
        || !(format.startsWith("Failed to send message to session")
            || format.startsWith("Keep-alive ping to session"))) {
      return FilterReply.NEUTRAL;
    }
    return logger.isDebugEnabled() ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
