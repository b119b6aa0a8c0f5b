#!/usr/bin/env node
// Debian's Chromium, which the browser tests (test/ui) drive headless through playwright-core. It comes
// from Debian's packages because nothing here may download a browser build of its own. Run before the
// tests (`npm test` does); a no-op once installed. Without root it only says what to run, and the UI
// tests then fail with the same advice rather than being skipped.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.warn(`${CHROMIUM} is missing and installing it needs root: sudo apt-get install -y chromium`);
  process.exit(0);
}
console.log('installing chromium from Debian packages (for the browser tests)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args) => execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=300', ...args], { stdio: 'inherit', env });
apt(['update', '-q']);
apt(['install', '-y', '-q', '--no-install-recommends', 'chromium']);
