#!/usr/bin/env node
// Thin: loads the bundle, nothing else (see scripts/build.mjs).
import { start } from '../dist/cli.js';

await start();
