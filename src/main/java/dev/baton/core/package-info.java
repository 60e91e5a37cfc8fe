/**
 * What every capability shares: the root exception {@link dev.baton.core.BatonException} and the
 * closed set of {@link dev.baton.core.ErrorCode}s. Immutable and thread-safe.
 */
package dev.baton.core;
