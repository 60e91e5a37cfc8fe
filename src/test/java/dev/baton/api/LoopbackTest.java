package dev.baton.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopbackTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "LOCALHOST:8090",
        "localhost.",
        "127.0.0.1",
        "127.0.0.1:8090",
        "127.1.2.3:1",
        "[::1]",
        "[::1]:8090"
      })
  void loopbackHostsAreAccepted(String host) {
    assertThat(Loopback.isLoopbackHost(host)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example",
        "localhost.evil.example",
        "127.0.0.1.evil.example",
        "128.0.0.1",
        "0.0.0.0",
        "10.0.0.1:8090",
        "[::2]",
        "[::1]x",
        "localhost:80:80",
        "127.0.0.256",
        "localhost:http",
        ""
      })
  void otherHostsAreRefusedWithoutALookup(String host) {
    assertThat(Loopback.isLoopbackHost(host)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:5173", "https://127.0.0.1", "http://[::1]:8090"})
  void loopbackOriginsAreAccepted(String origin) {
    assertThat(Loopback.isLoopbackOrigin(origin)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "http://evil.example",
        "file://localhost/x",
        "http://localhost.evil.example",
        "not a uri"
      })
  void otherOriginsAreRefused(String origin) {
    assertThat(Loopback.isLoopbackOrigin(origin)).isFalse();
  }
}
