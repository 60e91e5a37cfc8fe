#!/bin/sh
# baton hook for @BATON_CLIENT_NAME@, written by 'baton setup @BATON_CLIENT@'.
# Forwards the hook's JSON (standard input) to the baton broker over its Unix socket and prints the
# broker's answer (in @BATON_CLIENT_NAME@'s hook format). When baton cannot be reached it allows the
# step and says that coordination is off: it never blocks an edit because of baton.
# Usage: @BATON_CLIENT@-hook EVENT   (the agent's event name: PreToolUse, BeforeTool, SessionStart, ...)
# BATON_HOOK_TIMEOUT: seconds to wait for the broker's answer before the step goes ahead (4).
# The agent's process tells the broker which session this is and how long it lives: CLAUDE_PID,
# which Claude Code sets for its hooks, else the first ancestor of this script that is not a shell
# (the agent runs its hooks through one), the same process that starts 'baton mcp'.
event="${1:-}"
socket="${BATON_SOCKET:-@BATON_SOCKET@}"
agent_pid() {
  if [ -n "${CLAUDE_PID:-}" ]; then echo "$CLAUDE_PID"; return; fi
  pid=$PPID
  while [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null; do
    name=$(ps -o comm= -p "$pid" 2>/dev/null) || return
    case "$name" in
      sh|bash|dash|zsh|ksh|mksh|fish|env|timeout|nohup) pid=$(ps -o ppid= -p "$pid" 2>/dev/null | tr -d ' ') ;;
      *) echo "$pid"; return ;;
    esac
  done
}
answer=$(curl --silent --fail --max-time "${BATON_HOOK_TIMEOUT:-4}" --unix-socket "$socket" \
  -H 'Content-Type: application/json' \
  -H "X-Baton-Instance: ${BATON_INSTANCE:-}" \
  -H "X-Baton-Role: ${BATON_ROLE:-}" \
  -H "X-Baton-Agent-Pid: $(agent_pid)" \
  --data-binary @- "http://localhost/v1/hooks/@BATON_CLIENT@/$event" 2>/dev/null)
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
  PreToolUse|BeforeTool|SessionStart) printf '{"systemMessage":"%s"}\n' "$why" ;;
esac
exit 0
