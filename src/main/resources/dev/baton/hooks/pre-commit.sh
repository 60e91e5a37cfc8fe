#!/bin/sh
# baton pre-commit guard, written by 'baton guard install'.
# Refuses a commit that stages a file (either side of a rename, deletions included) leased
# exclusively to another agent. Bypass once: BATON_GUARD=off git commit ...  (or --no-verify).
# A pre-commit hook that was here before runs first (pre-commit.baton-chained).
hooks=$(dirname "$0")
if [ -x "$hooks/pre-commit.baton-chained" ]; then
  "$hooks/pre-commit.baton-chained" "$@" || exit $?
fi
[ "${BATON_GUARD:-on}" = off ] && exit 0
socket="${BATON_SOCKET:-@BATON_SOCKET@}"
top=$(git rev-parse --show-toplevel 2>/dev/null) || exit 0
staged=$(git -c core.quotepath=off diff --cached --name-only --no-renames)
[ -z "$staged" ] && exit 0
urlencode() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g'; }
url="http://localhost/v1/guard/pre-commit?format=text&workspace=$(urlencode "$top")&instance=$(urlencode "${BATON_INSTANCE:-}")"
out=$(printf '%s\n' "$staged" | curl --silent --max-time 5 --unix-socket "$socket" \
  -H 'Content-Type: text/plain' --data-binary @- -w '\n%{http_code}' "$url" 2>/dev/null)
status=$(printf '%s' "$out" | tail -n 1)
body=$(printf '%s' "$out" | sed '$d')
case "$status" in
  200) exit 0 ;;
  409) printf '%s\n' "$body" >&2; exit 1 ;;
  *) echo "baton guard: the broker did not answer (${status:-no answer}); this commit was not checked for leases" >&2; exit 0 ;;
esac
