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
summary="$(mktemp)"
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "▶ $name"
  if ! dotnet test "$project" -c Release --no-build -nologo --blame-hang-timeout 10m \
      --results-directory "$repo/artifacts/test-results/$name" 2>&1 | tee -a "$summary"; then
    status=1
  fi
done

# One closing line for the whole run, summed over every suite's "Passed!/Failed!" line.
read -r passed failed skipped < <(grep -E '^(Passed|Failed)!' "$summary" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
rm -f "$summary"
echo "$passed passed, $failed failed, $skipped skipped"
exit $status
