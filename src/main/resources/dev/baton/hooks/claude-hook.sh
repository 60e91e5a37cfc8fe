#!/bin/sh
# baton hook for Claude Code, written by 'baton setup claude'.
# Forwards the hook's JSON (standard input) to the baton broker over its Unix socket and prints the
# broker's answer (Claude Code's hook JSON). When baton cannot be reached it allows the step and
# says that coordination is off: it never blocks an edit because of baton.
# Usage: claude-hook EVENT   (PreToolUse, SessionStart, Stop, SessionEnd, ...)
# CLAUDE_PID, which Claude Code sets for its hooks, tells the broker which process the session is:
# the session's instance lives as long as it does.
event="${1:-}"
socket="${BATON_SOCKET:-@BATON_SOCKET@}"
answer=$(curl --silent --fail --max-time 4 --unix-socket "$socket" \
  -H 'Content-Type: application/json' \
  -H "X-Baton-Instance: ${BATON_INSTANCE:-}" \
  -H "X-Baton-Role: ${BATON_ROLE:-}" \
  -H "X-Baton-Agent-Pid: ${CLAUDE_PID:-}" \
  --data-binary @- "http://localhost/v1/hooks/claude/$event" 2>/dev/null)
status=$?
if [ $status -eq 0 ] && [ -n "$answer" ]; then
  printf '%s\n' "$answer"
  exit 0
fi
case "$status" in
  22) why="baton refused this hook call (an HTTP error; see the broker's log), so this step goes ahead unchecked" ;;
  28) why="baton did not answer in time, so this step goes ahead unchecked" ;;
  *) why="baton is not reachable, so file leases are off: edits go ahead unchecked. Start it with: baton serve" ;;
esac
case "$event" in
  PreToolUse|SessionStart) printf '{"systemMessage":"%s"}\n' "$why" ;;
esac
exit 0
