package dev.baton.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Decides whether a Host or Origin names this machine's loopback interface, from the text alone (no
 * DNS lookup, so a rebinding name cannot pass).
 */
public final class Loopback {
  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile(
          "127\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)");

  private Loopback() {}

  /** True for {@code localhost}, {@code 127.x.y.z} or {@code [::1]}, each with an optional port. */
  public static boolean isLoopbackHost(String hostHeader) {
    String host = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      if (end < 0 || !validPortSuffix(host.substring(end + 1))) {
        return false;
      }
      return isLoopbackName(host.substring(0, end + 1));
    }
    int colon = host.indexOf(':');
    if (colon >= 0) {
      if (!validPortSuffix(host.substring(colon))) {
        return false;
      }
      host = host.substring(0, colon);
    }
    return isLoopbackName(host);
  }

  /** True for an http(s) origin whose host is loopback; {@code null} origins are refused. */
  public static boolean isLoopbackOrigin(String origin) {
    try {
      URI uri = new URI(origin.trim());
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        return false;
      }
      String host = uri.getHost();
      return host != null && isLoopbackName(host.toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static boolean isLoopbackName(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    return h.equals("localhost")
        || h.equals("[::1]")
        || h.equals("::1")
        || IPV4_LOOPBACK.matcher(h).matches();
  }

  private static boolean validPortSuffix(String suffix) {
    return suffix.isEmpty() || suffix.matches(":\\d{1,5}");
  }
}
