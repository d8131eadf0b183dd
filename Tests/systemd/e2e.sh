#!/usr/bin/env bash
# End to end under a real systemd as PID 1 (../shared/tools/systemd-sandbox): the installed,
# hardened units run the real binaries. Socket activation on the first `wirewatch status`,
# STATUS= with real counts, an alert into alerts.jsonl and the journal, reload (good and broken
# config), structured journal fields,
# a clean stop, and a hung pipeline killed by the watchdog.
set -euo pipefail
sandbox=$(realpath "$1")
cd "$(dirname "$0")/../.."
work=$(mktemp -d /tmp/wirewatch-e2e.XXXXXX)
root="$work/tree"
passed=0
failed=0
cleanup() {
  "$sandbox" down "$work/sb" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

check() { # check NAME COMMAND...: runs the command, counts and reports the result
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "e2e: ok   $name"
  else failed=$((failed + 1)); echo "e2e: FAIL $name"; fi
}
run() { "$sandbox" run "$work/sb" "$@"; }
prop() { run systemctl show -p "$2" --value "$1"; }
wait_for() { # wait_for SECONDS COMMAND...: polls until the command succeeds
  local limit=$1; shift
  for _ in $(seq $((limit * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  return 1
}

make --no-print-directory install CONFIG=debug DESTDIR="$root" PREFIX=/usr/local >/dev/null
mkdir -p "$root/opt/seeds" && cp seeds/*.txt "$root/opt/seeds/"
"$sandbox" up "$work/sb" "@$root" >/dev/null

run systemd-sysusers >/dev/null
run systemd-tmpfiles --create /usr/local/lib/tmpfiles.d/wirewatch.conf
run systemctl daemon-reload
run systemctl start wirewatch.socket
# A watchlist rule for the seeds' event.
run sh -c 'printf "\n[[alerts.rule]]\nname = \"nordkorea\"\nkind = \"watchlist\"\nany = [\"Nordkorea\"]\npriority = \"warning\"\n" >> /etc/wirewatch/wirewatch.toml'

check "service is not running before the first call" test "$(prop wirewatch.service ActiveState)" = inactive
check "the first 'wirewatch status' starts the service through the socket" \
  run /usr/local/bin/wirewatch status --socket /run/wirewatch/control.sock
check "service is active" test "$(prop wirewatch.service ActiveState)" = active
check "the socket is 0660 and group wirewatch" test "$(run stat -c '%a %G' /run/wirewatch/control.sock)" = "660 wirewatch"

run sh -c 'cp /opt/seeds/*.txt /var/spool/wirewatch/inbox/'
has_counts() { prop wirewatch.service StatusText | grep -q '5 articles, 0 failed, 0 queued'; }
check "StatusText shows the real counts" wait_for 20 has_counts
echo "e2e: StatusText: $(prop wirewatch.service StatusText)"
check "the daemon, running as wirewatch, filed the seeds into a dated archive folder" \
  test "$(run sh -c 'stat -c %U /var/spool/wirewatch/archive/*/ && ls /var/spool/wirewatch/archive/*/ | wc -l')" = "wirewatch
5"

alert_lines() { run sh -c 'cat /var/lib/wirewatch/alerts.jsonl 2>/dev/null' | grep -c '"rule":"nordkorea"'; }
has_alert() { test "$(alert_lines)" = 1; }
check "the watchlist rule fired once into alerts.jsonl" wait_for 10 has_alert
check "alerts.jsonl belongs to wirewatch" test "$(run stat -c %U /var/lib/wirewatch/alerts.jsonl)" = wirewatch
alerts_journal() {
  run journalctl -o json --output-fields=MESSAGE_ID,PRIORITY,WIREWATCH_RULE MESSAGE_ID=5d3e0c8c1f7a4b8e9a2f6c4d7b1e0a93 |
    grep '"PRIORITY":"4"' | grep -c '"WIREWATCH_RULE":"nordkorea"'
}
has_journal_alert() { test "$(alerts_journal)" = 1; }
check "the alert is in the journal with its MESSAGE_ID and the rule's priority" wait_for 10 has_journal_alert

pid=$(prop wirewatch.service MainPID)
check "systemctl reload succeeds" run systemctl reload wirewatch.service
check "the reload is in the journal" wait_for 5 sh -c "'$sandbox' run '$work/sb' journalctl -u wirewatch.service -o cat | grep -q 'configuration reloaded'"

run sh -c 'cp /etc/wirewatch/wirewatch.toml /etc/wirewatch/good.toml; printf "[inbox]\nmax_file_size = \"lots\"\n" > /etc/wirewatch/wirewatch.toml'
check "systemctl reload with a broken config fails" sh -c "! '$sandbox' run '$work/sb' systemctl reload wirewatch.service 2>/dev/null"
check "the service keeps running" test "$(prop wirewatch.service ActiveState)" = active
check "on the same process" test "$(prop wirewatch.service MainPID)" = "$pid"
check "the rejection is logged with the key" sh -c "'$sandbox' run '$work/sb' journalctl -u wirewatch.service -o cat | grep -q 'inbox.max_file_size'"
run sh -c 'mv /etc/wirewatch/good.toml /etc/wirewatch/wirewatch.toml'
run sh -c 'printf "A new article after the failed reload.\n" > /var/spool/wirewatch/inbox/after.txt'
has_six() { prop wirewatch.service StatusText | grep -q '6 articles'; }
check "the old configuration still ingests" wait_for 20 has_six

journal=$(run journalctl -u wirewatch.service -o json --output-fields=MESSAGE_ID,PRIORITY,WIREWATCH_FILE,WIREWATCH_ARTICLE,WIREWATCH_EVENT)
check "journal: article-stored entries carry MESSAGE_ID, PRIORITY and WIREWATCH_ fields" \
  sh -c "printf '%s\n' '$journal' | grep '\"MESSAGE_ID\":\"8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c41\"' | grep '\"PRIORITY\":\"6\"' | grep -q '\"WIREWATCH_FILE\":\"001_c880a8e2b3970301.txt\"'"
check "journal: the rejected config has its own MESSAGE_ID at error priority" \
  sh -c "printf '%s\n' '$journal' | grep '\"MESSAGE_ID\":\"8a1e5c0f2b7d4e6a9c3f5b1d7e9a2c46\"' | grep -q '\"PRIORITY\":\"3\"'"

run systemctl stop wirewatch.service
check "systemctl stop ends with Result=success" test "$(prop wirewatch.service Result)" = success
check "exit status 0" test "$(prop wirewatch.service ExecMainStatus)" = 0

# The watchdog: a pipeline made to hang (test-only switch) stops the WATCHDOG=1 pings.
run mkdir -p /run/systemd/system/wirewatch.service.d
run sh -c 'printf "[Service]\nWatchdogSec=2s\nRestart=no\nEnvironment=WIREWATCH_TEST_HANG_PIPELINE=/run/wirewatch-hang\n" > /run/systemd/system/wirewatch.service.d/hang.conf'
run systemctl daemon-reload
run systemctl start wirewatch.service
check "the service runs with the watchdog armed" test "$(prop wirewatch.service ActiveState)" = active
sleep 3
check "pings keep a healthy service alive past the watchdog interval" test "$(prop wirewatch.service ActiveState)" = active
run touch /run/wirewatch-hang
watchdog_fired() { test "$(prop wirewatch.service Result)" = watchdog; }
check "a hung pipeline is killed by the watchdog (Result=watchdog)" wait_for 15 watchdog_fired
run rm -f /run/wirewatch-hang /run/systemd/system/wirewatch.service.d/hang.conf

echo "e2e: $passed passed, $failed failed"
[ "$failed" = 0 ]
