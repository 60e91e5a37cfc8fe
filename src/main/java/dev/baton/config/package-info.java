/**
 * The broker's configuration: one YAML file with {@code ${VAR:-default}} substitution, read into
 * one immutable, validated {@link dev.baton.config.BatonConfig}. Every error names the file (or
 * flag, or environment variable) and the setting. Records are immutable and thread-safe; the loader
 * is used once at start-up.
 */
package dev.baton.config;
