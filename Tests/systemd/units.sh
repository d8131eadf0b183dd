#!/usr/bin/env bash
# Checks the units as installed: `systemd-analyze verify` must print nothing on stderr, and
# `systemd-analyze security --offline=true` must score the service at 2.0 or lower.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
make --no-print-directory install CONFIG=debug DESTDIR="$root" PREFIX=/usr/local >/dev/null
units="$root/usr/local/lib/systemd/system"

# Point the commands at the installed binaries so verify can check they exist and are executable.
sed -i "s|/usr/local/bin/|$root/usr/local/bin/|g" "$units/wirewatch.service"
errors=$(systemd-analyze verify "$units/wirewatch.socket" "$units/wirewatch.service" 2>&1 >/dev/null || true)
if [ -n "$errors" ]; then
  echo "units: systemd-analyze verify reported:"; echo "$errors"; exit 1
fi
echo "units: systemd-analyze verify: clean"

score=$(systemd-analyze security --offline=true "$units/wirewatch.service" 2>&1 | sed -n 's/.*Overall exposure level for wirewatch.service: \([0-9.]*\).*/\1/p')
[ -n "$score" ] || { echo "units: no security score"; systemd-analyze security --offline=true "$units/wirewatch.service"; exit 1; }
if awk -v s="$score" 'BEGIN { exit !(s > 2.0) }'; then
  echo "units: exposure $score is above 2.0"; exit 1
fi
echo "units: systemd-analyze security exposure $score (limit 2.0)"
# A second install keeps the operator's configuration.
echo '# edited by the operator' >> "$root/etc/wirewatch/wirewatch.toml"
make --no-print-directory install CONFIG=debug DESTDIR="$root" PREFIX=/usr/local >/dev/null
grep -q 'edited by the operator' "$root/etc/wirewatch/wirewatch.toml" || { echo "units: make install overwrote the config"; exit 1; }
echo "units: make install keeps an existing /etc/wirewatch/wirewatch.toml"
# Completions for the three shells, generated from the CLI itself.
grep -q 'events' "$root/usr/local/share/bash-completion/completions/wirewatch" &&
  grep -q 'events' "$root/usr/local/share/zsh/site-functions/_wirewatch" &&
  grep -q 'events' "$root/usr/local/share/fish/vendor_completions.d/wirewatch.fish" ||
  { echo "units: shell completions missing or without the commands"; exit 1; }
echo "units: shell completions for bash, zsh and fish installed"
echo "units: 4 passed, 0 failed"
