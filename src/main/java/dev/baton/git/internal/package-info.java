/**
 * How the broker runs git: {@code Git} starts non-interactive git processes with a time limit,
 * {@code GitQueue} serialises the work that touches a repository's shared state. Thread-safe.
 */
package dev.baton.git.internal;
