#!/usr/bin/env bash
# Offline `cdk synth`: no credentials, no version check, no telemetry, no notices, no lookups (the stack is
# env-agnostic). NodejsFunction bundles with the local esbuild (no Docker). cdk-nag runs as a synth-time
# validation, so an unacknowledged AwsSolutions error makes this exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1
exec npx cdk synth --no-notices --no-version-reporting --quiet "$@"
