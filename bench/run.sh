#!/usr/bin/env bash
# One command for the benchmarks: starts Redis (scripts/services.sh), builds the bench (Release), runs a scenario.
# The bench builds src/Cli into bench/.build/actorrt itself, unless ACTORRT_BIN points at a built runtime.
#
#   bench/run.sh                      # the state scenario with its defaults (5 s / 200k ops per row, 1 and 32 callers)
#   bench/run.sh state --rounds 3     # any option of actorrt-bench (see bench/run.sh --help)
#   ACTORRT_BIN=artifacts/actorrt bench/run.sh --filter redis
#
# Results: bench/results/<scenario>-<UTC time>.md, and bench/results/<scenario>-latest.md.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench_out="$repo/bench/.build/bench"

# invoke, actors, cron, metrics and tracing need neither Redis nor PostgreSQL.
if [[ " $* " != *" --help "* && " $* " != *" -h "* && " $* " != *" invoke "* && " $* " != *" actors "* && " $* " != *" cron "* && " $* " != *" metrics "* && " $* " != *" tracing "* ]]; then
  if [[ -x "$repo/scripts/services.sh" || -f "$repo/scripts/services.sh" ]]; then
    echo "run.sh: starting services (scripts/services.sh start)" >&2
    bash "$repo/scripts/services.sh" start >/dev/null
  elif ! redis-cli -h 127.0.0.1 -p 6390 ping 2>/dev/null | grep -q PONG; then
    echo "run.sh: scripts/services.sh is missing and nothing answers on 127.0.0.1:6390; start Redis there first" >&2
    exit 1
  fi
fi

echo "run.sh: building bench/ActorRuntime.Bench (Release)" >&2
dotnet build "$repo/bench/ActorRuntime.Bench/ActorRuntime.Bench.csproj" -c Release -o "$bench_out" -nologo -v quiet -clp:ErrorsOnly >&2

cd "$repo"
status=0
dotnet "$bench_out/actorrt-bench.dll" "$@" || status=$?

if [[ " $* " != *" --help "* && " $* " != *" -h "* ]]; then
  latest="$(ls -t "$repo"/bench/results/*-latest.md 2>/dev/null | head -n 1 || true)"
  echo "run.sh: results in $repo/bench/results/${latest:+ (latest: ${latest#"$repo/"})}" >&2
fi
exit $status
