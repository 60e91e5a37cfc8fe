/**
 * The broker process: the composition root that wires every capability to the store and serves them
 * on a Unix socket (0600 in a 0700 directory) and on loopback TCP (bearer token), plus the data
 * directory, its lock and token, the janitor and graceful shutdown.
 */
package dev.baton.server;
