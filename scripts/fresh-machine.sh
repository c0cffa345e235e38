#!/usr/bin/env bash
# The fresh machine, as a test (run by .ci/run after `npm test`; needs root, util-linux's unshare, tmux).
#
# In a private mount namespace, redis-server, Chromium, Java and kcat are hidden (an empty, non-executable
# file bound over each), HOME and the npm cache are empty, and the repository is a fresh clone. There
# it runs the README's two commands as a learner would:
#   1. `npm install`, then `npm start` in tmux: the site answers, the first exercise gets a verdict,
#      and `q` leaves no process behind (Redis/valkey, moto, node); then a Kafka exercise gets a
#      verdict in `npm run learn`;
#   2. `npm test`: passes, and names the checks it could not run.
# Set FRESH_MACHINE_SKIP_TEST=1 to stop after step 1 (a quicker local check).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"

if [ "${FRESH_MACHINE_INSIDE:-}" != 1 ]; then
  for tool in unshare tmux git; do
    command -v "$tool" >/dev/null 2>&1 || { echo "✗ fresh-machine needs $tool (apt-get install util-linux tmux git)"; exit 1; }
  done
  [ "$(id -u)" = 0 ] || { echo "✗ fresh-machine needs root (for a private mount namespace)"; exit 1; }
  exec unshare --mount --propagation private env FRESH_MACHINE_INSIDE=1 bash "$0" "$@"
fi

started=$SECONDS
step() { printf '\n== fresh machine (%ss): %s ==\n' "$((SECONDS - started))" "$*"; }
fail() { printf '\n✗ fresh machine: %s\n' "$*"; exit 1; }

work="$(mktemp -d /tmp/fresh-machine.XXXXXX)"
session="fresh-machine"
# A private tmux server: one already running for this user would start npm start outside this
# namespace, where redis-server and the rest are not hidden.
tmux() { command tmux -S "$work/tmux.sock" -f "$work/tmux.conf" "$@"; }
cleanup() {
  tmux kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step "hiding what the fresh machine does not have"
empty="$work/not-installed"
: >"$empty"
chmod 0644 "$empty"
for name in redis-server chromium java kcat; do
  found="$(command -v "$name" 2>/dev/null || true)"
  [ -n "$found" ] || continue
  real="$(readlink -f "$found")"
  mount --bind "$empty" "$real"
  echo "  $name: $real hidden"
done
for name in redis-server chromium java kcat; do
  if "$name" --version >/dev/null 2>&1 || { [ "$name" = kcat ] && kcat -V >/dev/null 2>&1; }; then fail "$name still runs"; fi
done

mkdir -p "$work/home" "$work/npm-cache"
export HOME="$work/home" npm_config_cache="$work/npm-cache"
# A learner's machine, not CI: checks that need Chromium, Java or kcat are named as not run, not required.
unset CI KAFKA_CONFORMANCE_REAL XDG_CACHE_HOME PUBSUB_WORKBOOK_CACHE REDIS_URL REDISMS_SYSTEM_BINARY AWS_ENDPOINT_URL KAFKA_BROKERS CHROMIUM_PATH JAVA_HOME

step "git clone"
git clone --quiet "$repo" "$work/workbook"
cd "$work/workbook"

step "npm install"
npm install --no-audit --no-fund

step "npm start (in tmux)"
# Straight to the pane's terminal (no pipe): the loop reads single keys only from a terminal.
echo 'set -g history-limit 10000' >"$work/tmux.conf"
tmux new-session -d -s "$session" -x 160 -y 50 "npm start -- --port 0"
pane_pid="$(tmux list-panes -t "$session" -F '#{pane_pid}')"
screen() { tmux capture-pane -p -t "$session" -S -10000 2>/dev/null || true; }
wait_for() { # pattern, seconds, what
  local deadline=$((SECONDS + $2))
  until screen | grep -Eq "$1"; do
    if [ $SECONDS -ge $deadline ]; then
      screen | tail -40
      fail "$3 did not happen within $2 s"
    fi
    sleep 1
  done
}
wait_for 'Site: http://127\.0\.0\.1:[0-9]+/' 120 "the site's address being printed"
url="$(screen | grep -Eo 'http://127\.0\.0\.1:[0-9]+/' | head -1)"
deadline=$((SECONDS + 120))
answers() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }
until answers "$url"; do
  [ $SECONDS -lt $deadline ] || fail "the site did not answer on $url within 120 s"
  sleep 1
done
echo "  the site answers on $url"
# The first exercise is a Redis one: its verdict needs a Redis server, fetched on first use.
wait_for 'checks fail|All [0-9]+ checks pass' 300 "a verdict on the first exercise"
echo "  first verdict after $((SECONDS - started)) s: $(screen | grep -Eo '([0-9]+ of [0-9]+ checks fail|All [0-9]+ checks pass)' | head -1)"

# Everything npm start runs: the pane's process tree, plus any server started from this HOME's tool cache.
descendants() {
  local pid
  for pid in $(pgrep -P "$1" || true); do
    echo "$pid"
    descendants "$pid"
  done
}
tree="$(descendants "$pane_pid" | sort -u | tr '\n' ' ')"
servers="$(pgrep -f "$HOME/.cache/pubsub-workbook" | tr '\n' ' ' || true)"
echo "  running under npm start: $(echo $tree $servers | wc -w) processes ($(ps -o comm= -p "$(echo $tree $servers | tr ' ' ',')" 2>/dev/null | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}'))"

step "q"
tmux send-keys -t "$session" q
deadline=$((SECONDS + 30))
while tmux has-session -t "$session" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { screen | tail -20; fail "npm start did not exit within 30 s of q"; }
  sleep 0.5
done
deadline=$((SECONDS + 10))
while :; do
  left=""
  for pid in $tree $servers; do
    if [ -e "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null; then left="$left $pid"; fi
  done
  left="$left $(pgrep -f "$HOME/.cache/pubsub-workbook" | tr '\n' ' ' || true)"
  [ -z "${left// /}" ] && break
  if [ $SECONDS -ge $deadline ]; then
    ps -o pid,comm,args -p "$(echo $left | tr ' ' ',')" || true
    fail "processes of npm start still run 10 s after q:$left"
  fi
  sleep 0.5
done
echo "  nothing of npm start is left running"

step "a Kafka exercise in the loop (npm run learn -- go keys_keep_order, then npm run learn)"
npm run -s learn -- go keys_keep_order >/dev/null || fail "npm run learn -- go keys_keep_order failed"
tmux new-session -d -s "$session" -x 160 -y 50 "npm run learn"
wait_for 'Apache Kafka · exercise 1 of [0-9]+[^$]*' 60 "the Kafka exercise's header"
wait_for 'checks fail|All [0-9]+ checks pass' 180 "a verdict on the first Kafka exercise"
echo "  Kafka verdict: $(screen | grep -Eo '([0-9]+ of [0-9]+ checks fail|All [0-9]+ checks pass)' | tail -1)"
tmux send-keys -t "$session" q
deadline=$((SECONDS + 30))
while tmux has-session -t "$session" 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { screen | tail -20; fail "npm run learn did not exit within 30 s of q"; }
  sleep 0.5
done

if [ "${FRESH_MACHINE_SKIP_TEST:-}" = 1 ]; then
  step "done (npm test skipped: FRESH_MACHINE_SKIP_TEST=1)"
  exit 0
fi

step "npm test"
test_log="$work/test.log"
if ! npm test 2>&1 | tee "$test_log"; then fail "npm test failed"; fi
grep -Eq '[0-9]+ checks ran, [1-9][0-9]* could not run' "$test_log" || fail "npm test did not say what it could not run"
grep -q 'the site in a real Chromium' "$test_log" || fail "npm test did not name the browser checks as not run"
grep -q 'compared with a real Apache Kafka' "$test_log" || fail "npm test did not name the real-Kafka checks as not run"
grep -q 'with kcat, a librdkafka client' "$test_log" || fail "npm test did not name the kcat checks as not run"
step "passed: npm start and npm test work on a fresh machine"
