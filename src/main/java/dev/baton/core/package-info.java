/**
 * What every capability shares: the root exception {@link dev.baton.core.BatonException} and the
 * closed set of {@link dev.baton.core.ErrorCode}s, and {@link dev.baton.core.ConfigSection} with
 * {@link dev.baton.core.Units}, through which each capability reads its own section of the
 * configuration next to its config record. Immutable and thread-safe.
 */
package dev.baton.core;
