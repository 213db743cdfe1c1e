#!/usr/bin/env bash
# A newcomer's first commands, scripted (CI runs this after the test suite):
#  1. the README's demo command, ten times in a row in this checkout: each run exits 0, prints its summary (every
#     message handled, no duplicate) and the path of a chart that exists, and leaves no process and no temp folder;
#  2. a fresh clone inside a folder only its owner can enter (mode 0700, as `mktemp -d` makes, where Docker images and
#     CI runners put checkouts): the README's demo command once more, then one PostgreSQL test file. As root, this is
#     the case where the embedded PostgreSQL runs as another user that cannot enter the folder.
# The commands come from the README itself, so the script cannot drift from what a newcomer reads.
# Usage: scripts/newcomer.sh [runs]   (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
runs=${1:-10}
tmp=${TMPDIR:-/tmp}

# The README's first fenced block: line 1 runs the demo, line 2 the test suite (each "install && <command>  # why").
commands=$(awk '/^```sh$/{f=1;next} f&&/^```$/{exit} f' README.md | sed 's/[[:space:]]*#.*$//')
demo_line=$(sed -n 1p <<<"$commands")
[[ $demo_line == *" demo" ]] || { echo "newcomer: the README's first command is not the demo: '$demo_line'" >&2; exit 1; }
echo "newcomer: the README's demo command: $demo_line"
# The second line is the test command, and .ci/run (which CI runs on a fresh clone) runs that same command.
test_line=$(sed -n 2p <<<"$commands")
[[ $test_line == "${demo_line% demo} test" ]] || { echo "newcomer: the README's second command is not the test command: '$test_line'" >&2; exit 1; }
grep -Eq '^pnpm install( |$)' .ci/run && grep -Eq '^pnpm test( |$)' .ci/run || { echo "newcomer: .ci/run does not run the README's test command" >&2; exit 1; }

# Processes alive now that belong to a demo: their command line names this checkout or the temp folder (the workers,
# the embedded PostgreSQL and its watchdog all do), as "pid args" lines.
processes() { ps -eo pid=,args= | grep -F -e "$PWD/" -e "$tmp/" | grep -v -e ' ps -eo' -e 'grep -F' | sort || true; }
# Entries of the temp folder, but for the run's own log.
temp_entries() { ls -A "$tmp" | grep -vx "$(basename "$1")" | sort || true; }
fail() {
  echo "newcomer: $*" >&2
  exit 1
}

# Runs the README's demo command in the current folder and checks its output, then that it left nothing behind.
run_demo() {
  local label=$1 log before_ps before_tmp code
  log=$(mktemp)
  before_ps=$(processes)
  before_tmp=$(temp_entries "$log")
  local started=$SECONDS
  set +e
  bash -c "$demo_line" >"$log" 2>&1
  code=$?
  set -e
  if [ "$code" -ne 0 ]; then
    tail -40 "$log" >&2
    fail "$label: the demo exited $code"
  fi
  grep -Eq '^done: 66 messages handled, duplicates 0$' "$log" || { tail -40 "$log" >&2; fail "$label: no summary line 'done: 66 messages handled, duplicates 0'"; }
  local chart
  chart=$(sed -n 's/^  chart *//p' "$log")
  [ -n "$chart" ] || fail "$label: no chart path printed"
  head -c 5 "$chart" | grep -q '^<svg' || fail "$label: the chart $chart is not an SVG"
  grep -Eiq 'unhandled|warn|error' "$log" && { grep -Ein 'unhandled|warn|error' "$log" >&2; fail "$label: the demo printed an error or a warning"; }
  # Nothing left: no process started during the run still alive (allowing 10 s for reaping), no new temp entry.
  local left=""
  for _ in $(seq 1 20); do
    left=$(comm -13 <(echo "$before_ps") <(processes))
    [ -z "$left" ] && break
    sleep 0.5
  done
  [ -z "$left" ] || fail "$label: processes left behind:"$'\n'"$left"
  local new_tmp
  new_tmp=$(comm -13 <(echo "$before_tmp") <(temp_entries "$log"))
  [ -z "$new_tmp" ] || fail "$label: left in $tmp: $new_tmp"
  rm -f "$log"
  echo "newcomer: $label: exit 0, summary and chart ($chart), nothing left behind ($((SECONDS - started)) s)"
}

for i in $(seq 1 "$runs"); do run_demo "demo run $i/$runs"; done

# A fresh clone in a private folder.
private=$(mktemp -d)
trap 'rm -rf "$private"' EXIT
chmod 700 "$private"
git clone --quiet --no-hardlinks "$root" "$private/fleet"
cd "$private/fleet"
echo "newcomer: a fresh clone in $private (mode $(stat -c %a "$private"), owner $(stat -c %U "$private"))"
install_line=${demo_line%% && *}
bash -c "$install_line" >/dev/null 2>&1 || { bash -c "$install_line" 2>&1 | tail -30 >&2; fail "private clone: '$install_line' failed"; }
run_demo "private clone, demo"
npx --yes pnpm@10.34.9 --filter @fleet/queue-postgres... build >/dev/null
(cd packages/queue-postgres && npx vitest run test/embedded-postgres.test.ts) || fail "private clone: the PostgreSQL test failed"
echo "newcomer: private clone: the demo and test/embedded-postgres.test.ts pass"
