#!/usr/bin/env node
import { runCli } from "./main.js";

// The exit code is set, not forced: pending output is written before the process ends.
process.exitCode = await runCli(process.argv.slice(2));
