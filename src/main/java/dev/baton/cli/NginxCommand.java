package dev.baton.cli;

import dev.baton.api.BodyLimits;
import dev.baton.api.Loopback;
import dev.baton.config.BatonConfig;
import dev.baton.integrations.NginxSite;
import dev.baton.server.DataDirectory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
    name = "nginx",
    description = {
      "Print an nginx upstream and server block that fronts this broker's Unix",
      "socket with TLS, for the agents of a team on other machines.",
      "The broker trusts every request on its socket, so nginx itself demands the",
      "broker's bearer token ('baton token') and answers 401 without it. The block",
      "holds the token: install it readable by root only, e.g.",
      "  baton nginx --server-name N --cert C --key K \\",
      "    | sudo install -m 600 /dev/stdin /etc/nginx/conf.d/baton.conf",
      "nginx's workers must run as the broker's user to open the socket (0600 in a",
      "0700 directory): 'user <you>;' in nginx.conf, or an nginx of your own.",
      "Event streams (/v1/events, MCP) pass unbuffered; request bodies are limited",
      "as the broker limits them."
    },
    mixinStandardHelpOptions = true)
final class NginxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin BrokerPaths paths;

  @Option(
      names = "--server-name",
      paramLabel = "NAME",
      description = "nginx's server_name, the name agents connect to (default: this machine's).")
  String serverName;

  @Option(
      names = "--listen",
      paramLabel = "[HOST:]PORT",
      defaultValue = "443",
      description = "Where nginx listens (default: ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "TLS certificate chain (PEM), for nginx's ssl_certificate.")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "TLS private key (PEM), for nginx's ssl_certificate_key.")
  Path key;

  @Option(
      names = "--plain-http",
      description =
          "No TLS, for a test on this machine: only with a loopback --listen address (a bare port listens on 127.0.0.1).")
  boolean plainHttp;

  @Override
  public Integer call() {
    NginxSite.Listen where = parseListen();
    NginxSite.Tls tls = tls(where);
    BatonConfig config = paths.load().config();
    long maxBody = config.server().maxBodyBytes();
    Duration readTimeout = Duration.ofHours(1);
    if (config.leases().maxWait().plusMinutes(1).compareTo(readTimeout) > 0) {
      readTimeout = config.leases().maxWait().plusMinutes(1);
    }
    String text;
    try {
      text =
          NginxSite.render(
              new NginxSite.Settings(
                  serverName == null ? thisMachine() : serverName,
                  where,
                  tls,
                  config.server().socket(),
                  DataDirectory.token(config.dataDir(), config.tokenFile()),
                  maxBody,
                  BodyLimits.forPath("/v1/hooks/", maxBody),
                  readTimeout));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(text);
    out.flush();
    return ExitCodes.OK;
  }

  private NginxSite.Listen parseListen() {
    NginxSite.Listen where;
    try {
      where = NginxSite.Listen.parse(listen);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--listen: " + e.getMessage());
    }
    if (!plainHttp) {
      return where;
    }
    if (where.host() == null) {
      return new NginxSite.Listen("127.0.0.1", where.port());
    }
    if (!Loopback.isLoopbackHost(where.address())) {
      throw new ParameterException(
          spec.commandLine(),
          "--plain-http listens on loopback only (the token would cross the network in clear),"
              + " and "
              + where.address()
              + " is not; give --cert and --key instead");
    }
    return where;
  }

  private NginxSite.Tls tls(NginxSite.Listen where) {
    if (plainHttp) {
      if (cert != null || key != null) {
        throw new ParameterException(
            spec.commandLine(), "--plain-http and --cert/--key exclude each other");
      }
      return null;
    }
    if (cert == null || key == null) {
      throw new ParameterException(
          spec.commandLine(),
          "nginx on "
              + where.address()
              + " needs TLS: give --cert FILE and --key FILE (or --plain-http for a test on"
              + " loopback)");
    }
    return new NginxSite.Tls(cert.toAbsolutePath().normalize(), key.toAbsolutePath().normalize());
  }

  private static String thisMachine() {
    try {
      return java.net.InetAddress.getLocalHost().getCanonicalHostName();
    } catch (java.net.UnknownHostException e) {
      return "_";
    }
  }
}
