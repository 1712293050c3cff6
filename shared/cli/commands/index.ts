import type { Command } from 'commander';
import { validateCommand } from './validate.js';
import { sandboxCommand } from './sandbox.js';
import { serveCommand } from './serve.js';
import { runCommand } from './run.js';
import { backfillCommand } from './backfill.js';
import { demoCommand } from './demo.js';
import { explainCommand } from './explain.js';

// Every `radar` subcommand, in the order --help lists them. Each module exports one factory.
export const commands: Array<() => Command> = [validateCommand, sandboxCommand, serveCommand, runCommand, backfillCommand, demoCommand, explainCommand];
