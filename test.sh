#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: restores tools and packages, builds once, runs the
# test projects, and ends with one summary line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Browser tests drive Debian's Chromium (Playwright's own browser download is not reachable here);
# the CJK and Tibetan fonts make the pages render as users see them.
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq
  DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium fonts-noto-cjk fonts-noto-core >/dev/null
fi

dotnet tool restore >/dev/null
dotnet build ZangZhiFa.Workflow.sln -c Release -nologo -v q

log=$(mktemp)
status=0
dotnet test ZangZhiFa.Workflow.sln -c Release --no-build -nologo --blame-hang-timeout 10m --blame-hang-dump-type none 2>&1 | tee "$log" || status=$?

passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "$passed passed, $failed failed"
exit $status
