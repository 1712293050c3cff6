#!/usr/bin/env node
// CDK entry (cdk.json `app`). The App synthesises itself when the process exits (CDK_OUTDIR is set by the CLI).
import { buildRadarApp } from './radar-app.js';

buildRadarApp();
