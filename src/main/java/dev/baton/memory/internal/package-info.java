/** The memory service's implementation. Thread-safe. */
package dev.baton.memory.internal;
