#!/bin/sh
# baton's headersHelper for Claude Code, written by 'baton setup claude' and named in .mcp.json.
# Claude Code runs it before it connects to baton's MCP endpoint and adds the headers it prints
# (a JSON object): the broker's bearer token, read from the token file each time, so that the
# token stays out of .mcp.json and a new token needs no new setup. $BATON_TOKEN, when set, wins.
token_file="${BATON_TOKEN_FILE:-@BATON_TOKEN_FILE@}"
if [ -n "${BATON_TOKEN:-}" ]; then
  token="$BATON_TOKEN"
elif ! token=$(cat "$token_file" 2>/dev/null) || [ -z "$token" ]; then
  echo "baton: cannot read the broker's token from $token_file; start the broker once (baton serve), or set BATON_TOKEN" >&2
  exit 1
fi
printf '{"Authorization":"Bearer %s"}\n' "$token"
