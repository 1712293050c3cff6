#!/usr/bin/env bash
# `npm run test:cloud`: the cloud path without a cloud. IAM checked against every SDK call of a real run, the
# synthesised state machine executed locally, and (when present) the sign-in e2e test in Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# s3rver's paginated listing needs OpenSSL's legacy provider (its continuation token uses DES).
export NODE_OPTIONS="${NODE_OPTIONS:-} --openssl-legacy-provider"

echo "== cloud (IAM, state machine)"; npx vitest run --project cloud
if [ -f test/e2e/sign-in.test.ts ]; then
  bash test/e2e/ensure-chromium.sh
  echo "== e2e sign-in"; npx vitest run --project e2e test/e2e/sign-in.test.ts
fi
