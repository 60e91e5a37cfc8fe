package dev.baton.integrations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An nginx {@code upstream} and {@code server} block that fronts the broker's Unix socket for
 * agents on other machines. The broker trusts every request on its socket (the socket's file mode
 * is its access control), so nginx checks the bearer token itself before anything is passed on; the
 * block therefore holds the token and must be readable by root (nginx's master) only.
 */
public final class NginxSite {
  /** What a token may hold to be written into nginx's configuration (baton makes base64url). */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~+/=-]{16,}");

  private static final Pattern SERVER_NAME = Pattern.compile("[A-Za-z0-9_.*-]+");

  /**
   * Where nginx listens: {@code host} null for every address.
   *
   * @param host an address or name, IPv6 without brackets, or null
   * @param port 1 to 65535
   */
  public record Listen(String host, int port) {
    public Listen {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port " + port + " is out of range; use 1 to 65535");
      }
    }

    /**
     * Reads {@code PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}.
     *
     * @throws IllegalArgumentException naming the value
     */
    public static Listen parse(String text) {
      String t = text.trim();
      String host = null;
      String port = t;
      if (t.startsWith("[")) {
        int end = t.indexOf("]:");
        if (end < 0) {
          throw new IllegalArgumentException(
              "'" + text + "' is not PORT, HOST:PORT or [IPV6]:PORT");
        }
        host = t.substring(1, end);
        port = t.substring(end + 2);
      } else if (t.contains(":")) {
        host = t.substring(0, t.lastIndexOf(':'));
        port = t.substring(t.lastIndexOf(':') + 1);
      }
      if (!port.matches("\\d{1,5}") || (host != null && !host.matches("[A-Za-z0-9.:-]+"))) {
        throw new IllegalArgumentException("'" + text + "' is not PORT, HOST:PORT or [IPV6]:PORT");
      }
      return new Listen(host, Integer.parseInt(port));
    }

    /** As nginx's {@code listen} takes it. */
    public String address() {
      if (host == null) {
        return Integer.toString(port);
      }
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** The certificate chain and key nginx presents, PEM files. */
  public record Tls(Path certificate, Path key) {}

  /**
   * Everything the block says.
   *
   * @param serverName nginx's {@code server_name}
   * @param listen where nginx listens
   * @param tls the certificate, or null for plain HTTP (loopback tests)
   * @param socket the broker's Unix socket
   * @param token the broker's bearer token, which nginx demands
   * @param maxBodyBytes the broker's {@code server.max-body}
   * @param hooksMaxBodyBytes the broker's limit for {@code /v1/hooks/}
   * @param readTimeout how long nginx waits for the broker between two reads: longer than an
   *     acquire may wait, and longer than the pause between an event stream's pings
   */
  public record Settings(
      String serverName,
      Listen listen,
      Tls tls,
      Path socket,
      String token,
      long maxBodyBytes,
      long hooksMaxBodyBytes,
      Duration readTimeout) {}

  private NginxSite() {}

  /**
   * The block, to be included in nginx's {@code http} context.
   *
   * @throws IllegalArgumentException when a value cannot be written into nginx's configuration
   */
  public static String render(Settings s) {
    if (!TOKEN.matcher(s.token()).matches()) {
      throw new IllegalArgumentException(
          "the broker's token has characters nginx's configuration cannot carry; delete the token"
              + " file and restart the broker for a new one");
    }
    if (!SERVER_NAME.matcher(s.serverName()).matches()) {
      throw new IllegalArgumentException("'" + s.serverName() + "' is not a server name");
    }
    List<String> lines = new ArrayList<>();
    lines.add(
        "# baton behind nginx, written by 'baton nginx' for the broker on unix:" + s.socket());
    lines.add("# Include it in nginx's http {} block, readable by root only: it holds the token.");
    lines.add("# nginx's worker processes must run as the broker's user to open its socket.");
    lines.add("upstream baton {");
    lines.add("    server " + quoted("unix:" + s.socket()) + ";");
    lines.add("    keepalive 8;");
    lines.add("}");
    lines.add("");
    lines.add("server {");
    lines.add("    listen " + s.listen().address() + (s.tls() == null ? "" : " ssl") + ";");
    lines.add("    server_name " + s.serverName() + ";");
    if (s.tls() != null) {
      lines.add("    ssl_certificate " + quoted(s.tls().certificate().toString()) + ";");
      lines.add("    ssl_certificate_key " + quoted(s.tls().key().toString()) + ";");
      lines.add("    ssl_protocols TLSv1.2 TLSv1.3;");
    }
    lines.add("");
    lines.add("    # The broker asks no token on its socket, so nginx asks it: the same one");
    lines.add("    # TCP clients send ('baton token'), compared whole; anything else gets 401.");
    lines.add(
        "    if ($http_authorization !~ \"^(?i:Bearer) +" + regexLiteral(s.token()) + " *$\") {");
    lines.add("        return 401;");
    lines.add("    }");
    lines.add("    error_page 401 @baton_unauthorized;");
    lines.add("    location @baton_unauthorized {");
    lines.add("        default_type application/json;");
    lines.add("        add_header WWW-Authenticate 'Bearer realm=\"baton\"' always;");
    lines.add(
        "        return 401 '{\"error\":{\"code\":\"unauthorized\",\"message\":\"missing or wrong"
            + " bearer token: send Authorization: Bearer <token>; the command baton token prints it on"
            + " the machine of the broker\"}}';");
    lines.add("    }");
    lines.add("");
    lines.add("    # The broker answers only loopback Host names (DNS-rebinding protection).");
    lines.add("    proxy_set_header Host localhost;");
    lines.add(
        "    # HTTP/1.1 with keep-alive to the broker; event streams (/v1/events, MCP) go out");
    lines.add("    # as they are written, unbuffered and uncompressed. Mcp-Session-Id and");
    lines.add("    # Last-Event-ID pass through as every other header does.");
    lines.add("    proxy_http_version 1.1;");
    lines.add("    proxy_set_header Connection \"\";");
    lines.add("    proxy_buffering off;");
    lines.add("    gzip off;");
    lines.add("    proxy_read_timeout " + s.readTimeout().toSeconds() + "s;");
    lines.add("    proxy_send_timeout " + s.readTimeout().toSeconds() + "s;");
    lines.add("    # The broker's body limits (server.max-body; hooks carry whole files).");
    lines.add("    client_max_body_size " + s.maxBodyBytes() + ";");
    lines.add("");
    lines.add("    location / {");
    lines.add("        proxy_pass http://baton;");
    lines.add("    }");
    lines.add("    location /v1/hooks/ {");
    lines.add("        client_max_body_size " + s.hooksMaxBodyBytes() + ";");
    lines.add("        proxy_pass http://baton;");
    lines.add("    }");
    lines.add("}");
    lines.add("");
    return String.join("\n", lines);
  }

  /** A PCRE literal: every character that is not a letter or digit escaped. */
  private static String regexLiteral(String text) {
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (!Character.isLetterOrDigit(c)) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  /** An nginx parameter, quoted when it holds anything but plain path characters. */
  private static String quoted(String value) {
    if (value.matches("[A-Za-z0-9_@+=:,./-]+")) {
      return value;
    }
    if (value.contains("\"") || value.contains("\\") || value.contains("$")) {
      throw new IllegalArgumentException(
          "cannot write '" + value + "' into nginx's configuration: quote, backslash or $");
    }
    return "\"" + value + "\"";
  }
}
