#!/usr/bin/env bash
# The project's one test command: installs and starts what the tests need (Redis, PostgreSQL),
# builds everything, and runs every test suite. Used by .ci/run and by developers alike.
set -eo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

eval "$(bash scripts/services.sh start | grep -E '^ACTORRT_TEST_[A-Z]+=' | sed 's/^/export /; s/=\(.*\)$/="\1"/')"
echo "ℹ️  Redis: ${ACTORRT_TEST_REDIS:-?}  PostgreSQL: ${ACTORRT_TEST_POSTGRES:-?}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build ActorRuntime.sln -c Release -nologo -v quiet -clp:ErrorsOnly
# The end-to-end suites run the CLI the solution build just produced instead of building it again.
export ACTORRT_BIN="$repo/src/Cli/bin/Release/net10.0"

status=0
results="$(mktemp -d)"
broken=()
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "▶ $name"
  code=0
  dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 10m \
      --results-directory "$repo/artifacts/test-results/$name" 2>&1 | tee "$results/$name.log" || code=$?
  [ "$code" -ne 0 ] && status=1
  line="$(grep -E '^(Passed|Failed)!' "$results/$name.log" | tail -n 1 || true)"
  # A suite that crashed or hung prints no closing line (or one that hides the abort): it counts as failed, by name.
  if [ -z "$line" ] || { [ "$code" -ne 0 ] && ! grep -qE 'Failed: *[1-9]' <<<"$line"; }; then
    broken+=("$name")
    status=1
  fi
done

echo
echo "Suites:"
for log in "$results"/*.log; do
  name="$(basename "$log" .log)"
  line="$(grep -E '^(Passed|Failed)!' "$log" | tail -n 1 | sed -E 's/, Duration.*//; s/  +/ /g' || true)"
  printf '  %-40s %s\n' "$name" "${line:-no result: crashed or hung}"
done
[ "${#broken[@]}" -gt 0 ] && echo "Crashed, hung or aborted (each counted as one failure): ${broken[*]}"

# One closing line for the whole run, summed over every suite's "Passed!/Failed!" line.
read -r passed failed skipped < <(cat "$results"/*.log | grep -E '^(Passed|Failed)!' | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
failed=$((failed + ${#broken[@]}))
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
