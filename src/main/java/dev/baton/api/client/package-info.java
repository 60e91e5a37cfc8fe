/**
 * A client of the broker's v1 API over the Unix socket or TCP, used by the CLI, benchmarks and
 * tests. Thread-safe.
 */
package dev.baton.api.client;
