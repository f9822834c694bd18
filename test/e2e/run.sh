#!/usr/bin/env bash
# Browser tests: Debian's Chromium driven by playwright-core. Installs Chromium when missing.
set -uo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "Installing Debian's chromium…"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) || { echo "Cannot install chromium"; exit 1; }
fi
rm -f .vitest-e2e-report.json
npx vitest run -c vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=.vitest-e2e-report.json
