// Starts a paydesk with demo data on loopback and Debian's Chromium, for the console's
// end-to-end tests. Settings come from the environment (scripts/e2e sets them):
//   PAYDESK_BIN          the paydesk binary (default ../target/debug/paydesk)
//   PAYDESK_E2E_POSTGRES_URL  a PostgreSQL server (its postgres database) on which each
//                        desk gets a fresh database instead of SQLite
//   CHROMIUM             the browser (default /usr/bin/chromium)
//   PAYDESK_SCREENSHOTS  where page screenshots go (default ../target/e2e/screenshots)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
export const PASSWORD = 'paydesk-demo-2026';
export const VIEWPORT = { width: 1280, height: 800 };

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

function psql(url, sql) {
  const r = spawnSync('psql', [url, '-qAt', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) { throw new Error(`psql ${sql}: ${r.stderr || r.error}`); }
}

/** Starts `paydesk demo` and waits until it serves. Returns { base, token, logins, stop }. */
export async function startDesk({ tickets = 4000 } = {}) {
  const bin = process.env.PAYDESK_BIN || join(root, 'target', 'debug', 'paydesk');
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-e2e-'));
  const port = await freePort();
  const args = ['demo', '--tickets', String(tickets), '--data-dir', dataDir, '--bind', `127.0.0.1:${port}`];
  let database = null;
  const server = process.env.PAYDESK_E2E_POSTGRES_URL;
  if (server) {
    database = `paydesk_e2e_${process.pid}_${port}`;
    psql(server, `CREATE DATABASE ${database}`);
    args.push('--database-url', server.replace(/\/[^/]*$/, `/${database}`));
  }
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PAYDESK_LOG: 'warn' } });
  let out = '';
  const ready = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`paydesk did not start in 120 s:\n${out}`)), 120_000);
    const read = (chunk) => {
      out += chunk.toString();
      if (out.includes('paydesk is serving on')) { clearTimeout(timer); ok(); }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`paydesk exited with ${code}:\n${out}`)); });
  });
  await ready;
  const logins = {};
  for (const m of out.matchAll(/^\s+(\w+)\s+(\S+@\S+)\s+password:/gm)) { logins[m[1]] = m[2]; }
  const token = (out.match(/\b(pd_[A-Za-z0-9_]+)/) || [])[1];
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    token,
    logins,
    output: () => out,
    api: async (path, body) => {
      const init = { headers: { Authorization: `Bearer ${token}` } };
      if (body !== undefined) {
        init.method = 'POST';
        init.headers['Content-Type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
      const r = await fetch(base + path, init);
      if (!r.ok) { throw new Error(`${path}: ${r.status} ${await r.text()}`); }
      return r.json();
    },
    stop: async () => {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
      await new Promise((ok) => { if (child.exitCode !== null) { ok(); } else { child.on('exit', ok); } });
      rmSync(dataDir, { recursive: true, force: true });
      if (database) { psql(server, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`); }
    },
  };
}

/** Launches headless Chromium. */
export async function startBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}

/** A new page of a fresh context at 1280x800 that fails the test on any script error. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    // An answer's status (a 401 for a wrong password, a 404 page) is not a script error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) { errors.push(m.text()); }
  });
  page.scriptErrors = errors;
  return page;
}

/** Signs in on the sign-in page as `email`. */
export async function signIn(page, base, email) {
  await page.goto(`${base}/desk`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.endsWith('/sign-in'));
}

/** Saves a screenshot of the page as `<name>.png`. */
export async function shoot(page, name) {
  const dir = process.env.PAYDESK_SCREENSHOTS || join(root, 'target', 'e2e', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}
