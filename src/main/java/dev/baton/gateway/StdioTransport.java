package dev.baton.gateway;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * MCP over the standard streams of a process the gateway started itself, in a process group of its
 * own ({@code setsid}), because the SDK's stdio transport hides its process, stops reading at the
 * first line that is not JSON-RPC, waits for the process without a time limit, and leaves
 * grandchildren ({@code npx} starts some) behind. Here a stray line is logged and skipped, stderr
 * goes to the broker's log under the server's name, and closing ends the whole group: standard
 * input closed, then SIGTERM, then SIGKILL, each after a grace period.
 */
final class StdioTransport implements McpClientTransport {
  private static final Logger LOG = LoggerFactory.getLogger("dev.baton.gateway.server");
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final String server;
  private final Process process;
  private final McpJsonMapper json;
  private final Sinks.Many<McpSchema.JSONRPCMessage> inbound =
      Sinks.many().unicast().onBackpressureBuffer();
  private final Object writeLock = new Object();

  /**
   * Writes to the server's standard input, one message at a time, on a thread of this transport's
   * own (it ends when idle): a write that blocks on a full pipe holds up only this server, and a
   * write never waits for a shared thread. On Reactor's shared threads, which also run the SDK's
   * tool calls, a start's initialize waited behind every call blocked on the pool it was starting.
   */
  private final ThreadPoolExecutor stdin;

  private final Scheduler writes;
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private volatile boolean closing;
  private volatile Consumer<Throwable> exceptionHandler = t -> {};

  private StdioTransport(String server, Process process, McpJsonMapper json) {
    this.server = server;
    this.process = process;
    this.json = json;
    this.stdin =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "baton-gateway-stdin-" + server);
              t.setDaemon(true);
              return t;
            });
    stdin.allowCoreThreadTimeOut(true);
    this.writes = Schedulers.fromExecutorService(stdin);
    process.onExit().thenAccept(p -> exited.complete(p.exitValue()));
    Thread err =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  LOG.info("[{}] {}", server, line);
                }
              } catch (IOException e) {
                // the process has gone
              }
            },
            "baton-gateway-stderr-" + server);
    err.setDaemon(true);
    err.start();
  }

  /**
   * Starts {@code command} in a new process group.
   *
   * @throws IOException when it cannot be started (e.g. the program does not exist)
   */
  static StdioTransport start(
      String server,
      List<String> command,
      java.util.Map<String, String> env,
      java.nio.file.Path cwd,
      McpJsonMapper json)
      throws IOException {
    List<String> argv = new java.util.ArrayList<>();
    argv.add("setsid");
    argv.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().putAll(env);
    if (cwd != null) {
      pb.directory(cwd.toFile());
    }
    return new StdioTransport(server, pb.start(), json);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the process ends. */
  CompletableFuture<Integer> exited() {
    return exited;
  }

  @Override
  public Mono<Void> connect(
      Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
    return Mono.fromRunnable(
        () -> {
          inbound.asFlux().concatMap(m -> Mono.just(m).transform(handler)).subscribe();
          Thread reader =
              new Thread(
                  () -> {
                    try (BufferedReader r =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = r.readLine()) != null) {
                        if (line.isBlank()) {
                          continue;
                        }
                        try {
                          inbound.tryEmitNext(McpSchema.deserializeJsonRpcMessage(json, line));
                        } catch (RuntimeException | IOException e) {
                          LOG.warn(
                              "[{}] skipped a line on stdout that is not JSON-RPC: {}",
                              server,
                              line.length() > 200 ? line.substring(0, 200) + "..." : line);
                        }
                      }
                    } catch (IOException e) {
                      if (!closing) {
                        exceptionHandler.accept(e);
                      }
                    } finally {
                      inbound.tryEmitComplete();
                    }
                  },
                  "baton-gateway-stdout-" + server);
          reader.setDaemon(true);
          reader.start();
        });
  }

  @Override
  public void setExceptionHandler(Consumer<Throwable> handler) {
    this.exceptionHandler = handler;
  }

  @Override
  public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
    return Mono.<Void>fromRunnable(
            () -> {
              try {
                byte[] bytes = json.writeValueAsBytes(message);
                OutputStream os = process.getOutputStream();
                synchronized (writeLock) {
                  os.write(bytes);
                  os.write('\n');
                  os.flush();
                }
              } catch (IOException e) {
                throw new IllegalStateException(
                    "server '" + server + "' does not take input any more: " + e.getMessage(), e);
              }
            })
        .subscribeOn(writes);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.<Void>fromRunnable(this::stop).subscribeOn(Schedulers.boundedElastic());
  }

  /** Ends the process group: stdin closed, SIGTERM, SIGKILL; returns once it is gone. */
  void stop() {
    closing = true;
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // already closed
    }
    stdin.shutdown(); // what is still queued fails on the closed stream
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        signalGroup("TERM");
        if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
          signalGroup("KILL");
          process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      // Whatever the server left running in its group (npx's children) goes with it.
      signalGroup("KILL");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      signalGroup("KILL");
    }
  }

  private void signalGroup(String signal) {
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", signal, "--", "-" + process.pid())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      kill.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.warn("[{}] cannot signal process group {}: {}", server, process.pid(), e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
    return json.convertValue(data, typeRef);
  }
}
