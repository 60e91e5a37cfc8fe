/**
 * Where baton meets the tools around it: the agents' hook script, Claude Code's settings and user
 * file, Codex's hooks.json and config.toml files (edited as text, see {@code TomlText}), Gemini
 * CLI's settings, the git pre-commit guard, the systemd user unit and the nginx block that fronts
 * the broker's socket. Installers are idempotent and keep what the user had. Stateless,
 * thread-safe.
 */
package dev.baton.integrations;
