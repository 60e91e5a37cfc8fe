/**
 * Where baton meets the tools around it: the agents' hook script, Claude Code's settings and user
 * file, Codex's hooks.json and config.toml files (edited as text, see {@code TomlText}), Gemini
 * CLI's settings, and the git pre-commit guard. Installers are idempotent and keep what the user
 * had. Stateless, thread-safe.
 */
package dev.baton.integrations;
