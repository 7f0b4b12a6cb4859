#!/usr/bin/env bash
# System packages the tests drive for real: Debian's Chromium (end-to-end tests through
# playwright-core; browser downloads are not possible here), iputils ping (the ping checker) and
# traceroute (the incident diagnostics' traceroute collector; without it that collector reports
# binary_missing and its test covers only that path).
# Installs what is missing when we are root; otherwise explains.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v ping >/dev/null 2>&1 || missing+=(iputils-ping)
command -v traceroute >/dev/null 2>&1 || missing+=(traceroute)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing ${missing[*]} for the tests…"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need: ${missing[*]} (run 'sudo apt-get install -y ${missing[*]}')." >&2
exit 1
