/**
 * Shared project memory, compatible with ConPort's items: decisions, progress entries, system
 * patterns and custom data, per workspace, each attributed to the instance that wrote it, shared
 * unless marked private (then only its instance sees it), and found by one ranked full-text search
 * over every kind. The service validates and attributes; the store persists and searches. Types are
 * immutable records or thread-safe services.
 */
package dev.baton.memory;
