/**
 * The load harness behind {@code docs/PERFORMANCE.md}: starts real broker processes on SQLite and
 * PostgreSQL and measures heartbeat write latency under the original plan's protocol, registration
 * latency per transport, and start-to-ready time. Run it with {@code bench/run}; it prints a
 * markdown report. Everything it starts (brokers, commands, the PostgreSQL cluster, temporary
 * directories) is undone by {@link dev.baton.bench.Cleanup}, also on Ctrl-C. Single-threaded apart
 * from the load generators, whose figures are read only after they have been joined.
 */
package dev.baton.bench;
