#!/usr/bin/env bash
# `npm test`: lint and types first (fastest feedback), then unit, integration, cloud, reliability, e2e tiers.
set -euo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# s3rver's paginated listing needs OpenSSL's legacy provider (its continuation token uses DES).
export NODE_OPTIONS="${NODE_OPTIONS:-} --openssl-legacy-provider"

echo "== lint"; npx eslint .
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== dependency rules"; npx depcruise shared functions infra dashboard/src --config .dependency-cruiser.cjs
echo "== unit"; npx vitest run --project unit
echo "== conformance"; npx vitest run --project conformance
echo "== cdk synth (offline, cdk-nag)"; bash infra/synth.sh
echo "== integration"; npx vitest run --project integration
echo "== cloud (IAM against the template, state machine executed)"; npx vitest run --project cloud
echo "== reliability"; npx vitest run --project reliability
if ls test/e2e/*.test.ts >/dev/null 2>&1; then
  bash test/e2e/ensure-chromium.sh
  echo "== e2e"; npx vitest run --project e2e
fi
