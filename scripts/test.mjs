#!/usr/bin/env node
// Runs the tap suite and closes with one plain summary line ("N passed, N failed, N skipped"),
// which CI systems that do not speak TAP can read. Arguments pass through to tap.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tapBin = path.join(root, 'node_modules/tap/dist/esm/run.mjs');
const child = spawn(process.execPath, [tapBin, ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'inherit'] });
let tail = '';
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk).slice(-4000);
});
child.on('close', (code, signal) => {
  // tap's reporter ends with a line like `# { total: 12, pass: 11, fail: 1, skip: 0 }`.
  const summary = tail.match(/# \{([^}]*)\}/g)?.pop();
  if (summary) {
    const count = (key) => Number(summary.match(new RegExp(`\\b${key}: (\\d+)`))?.[1] ?? 0);
    const failed = count('fail');
    process.stdout.write(`\n${count('pass')} passed, ${failed} failed, ${count('skip') + count('todo')} skipped\n`);
    if (failed > 0 && code === 0) code = 1;
  } else if (code === 0) {
    process.stdout.write('\nno test summary found in tap output\n');
    code = 1;
  }
  process.exit(signal ? 1 : (code ?? 1));
});
