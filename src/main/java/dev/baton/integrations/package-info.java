/**
 * Where baton meets the tools around it: the Claude Code and Gemini CLI settings, the agents' hook
 * script, and the git pre-commit guard. Installers are idempotent and keep what the user had.
 * Stateless, thread-safe.
 */
package dev.baton.integrations;
