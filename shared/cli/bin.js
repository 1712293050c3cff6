#!/usr/bin/env node
// The `radar` command's entry point. It runs the TypeScript sources through tsx (no build step between a clone
// and a working CLI). s3rver, the embedded S3-protocol server, needs OpenSSL's legacy provider for paginated
// listings (its continuation token uses DES), so the process re-executes itself once with that flag.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const legacy = '--openssl-legacy-provider';
const hasLegacy = process.execArgv.includes(legacy) || (process.env.NODE_OPTIONS ?? '').includes(legacy);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

if (!hasLegacy) {
  const child = spawn(process.execPath, [legacy, ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
} else {
  // `radar explain org | head` closes the pipe early: that is the reader's choice, not an error to print.
  process.stdout.on('error', (err) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./main.ts');
  process.exitCode = await main(process.argv);
}
