#!/usr/bin/env node
// Accessibility check for the Samveis demo: crawls every page reachable from a
// few seeds, anonymously and logged in as each demo user, and runs axe-core
// (WCAG 2.0/2.1 A + AA rules) in headless Chromium on each page.
//
// Usage: node check.mjs [BASE_URL]        (default http://127.0.0.1:8080)
// Env:   A11Y_USERS          "email:password,email:password" ("" = anonymous only)
//        A11Y_MAX_PAGES      pages per profile (default 150)
//        A11Y_TOTAL_TIMEOUT  seconds for the whole run (default 1500)
//        A11Y_CHROMIUM       browser binary (default /usr/bin/chromium)
//        A11Y_REPORT         optional path for a JSON report
// Exit:  0 = no violations and no errors; 1 = violations, page errors or a
//        failed login; 2 = internal error / hard timeout.

import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { sticksOut } from './reflow.mjs';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

const DEFAULT_PASSWORD = 'samveis-demo';
const DEFAULT_USERS = [
  'admin@samveis.demo', // national admin
  'fylke.nordland@samveis.demo', // county officer
  'kommune.bodo@samveis.demo', // municipal editor
  'prosjekt.salten@samveis.demo', // project leader
  'leser@samveis.demo', // viewer
].map((email) => ({ email, password: DEFAULT_PASSWORD }));

const SEEDS = ['/', '/kommuner', '/fylker', '/samarbeid', '/admin/logg', '/admin/brukere'];
const LOGIN_PATH = '/logg-inn';
const LOGOUT_PATH = '/logg-ut';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const NAV_TIMEOUT_MS = 20_000;
const AXE_TIMEOUT_MS = 30_000;
const MAX_VARIANTS = 3; // query-string variants per path, and paths per id pattern
const MAX_NODES = 3; // nodes reported per violation

function envInt(name, dflt) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return dflt;
  const n = Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`a11y: ${name} must be a positive integer, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const MAX_PAGES = envInt('A11Y_MAX_PAGES', 150);
const TOTAL_TIMEOUT_MS = envInt('A11Y_TOTAL_TIMEOUT', 1500) * 1000;
const CHROMIUM = process.env.A11Y_CHROMIUM || '/usr/bin/chromium';

function parseUsers(raw) {
  if (raw === undefined) return DEFAULT_USERS;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':');
      return i < 0
        ? { email: entry, password: DEFAULT_PASSWORD }
        : { email: entry.slice(0, i), password: entry.slice(i + 1) };
    });
}

let base;
try {
  base = new URL(process.argv[2] || 'http://127.0.0.1:8080');
  if (!/^https?:$/.test(base.protocol)) throw new Error('not http(s)');
} catch (e) {
  console.error(`a11y: bad base URL "${process.argv[2]}": ${e.message}`);
  process.exit(2);
}
const ORIGIN = base.origin;
const users = parseUsers(process.env.A11Y_USERS);
const profiles = [{ name: 'anonymous' }, ...users.map((u) => ({ name: u.email, user: u }))];

const started = Date.now();
const deadline = started + TOTAL_TIMEOUT_MS;
const timeLeft = () => deadline - Date.now();

// ---------------------------------------------------------------- URL rules

const SKIP_PREFIXES = ['/static/', '/api/'];

/** Returns a normalised URL (no hash) for a crawlable link, or null. */
function crawlable(rawHref, absHref) {
  if (!rawHref) return null;
  const raw = rawHref.trim();
  if (raw === '' || raw.startsWith('#')) return null;
  if (/^(mailto|tel|javascript|data):/i.test(raw)) return null;
  let u;
  try {
    u = new URL(absHref || raw, ORIGIN);
  } catch {
    return null;
  }
  if (u.origin !== ORIGIN) return null;
  u.hash = '';
  const p = u.pathname;
  if (p === LOGOUT_PATH || p.startsWith(LOGOUT_PATH + '/')) return null;
  if (SKIP_PREFIXES.some((pre) => p.startsWith(pre) || p === pre.slice(0, -1))) return null;
  const last = p.split('/').pop();
  // Any file extension except HTML (downloads: .csv, .xlsx, .pdf, .json, ...).
  if (/\.[A-Za-z0-9]{1,6}$/.test(last) && !/\.html?$/i.test(last)) return null;
  return u;
}

const ID_SEGMENT = /^(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const patternOf = (pathname) =>
  pathname
    .split('/')
    .map((s) => (ID_SEGMENT.test(s) ? ':n' : s))
    .join('/');

const label = (u) => u.pathname + u.search;

/** Per-profile crawl frontier with the variant-collapsing rules. */
class Frontier {
  constructor() {
    this.seen = new Set(); // path+query already queued or visited
    this.queryVariants = new Map(); // pathname -> count of queued ?query variants
    this.patternPaths = new Map(); // id pattern -> Set of pathnames
    this.queue = [];
    this.dropped = 0;
  }
  add(u) {
    const key = label(u);
    if (this.seen.has(key)) return false;
    const pattern = patternOf(u.pathname);
    if (pattern !== u.pathname) {
      const paths = this.patternPaths.get(pattern) ?? new Set();
      if (!paths.has(u.pathname) && paths.size >= MAX_VARIANTS) {
        this.dropped++;
        return false;
      }
      paths.add(u.pathname);
      this.patternPaths.set(pattern, paths);
    }
    if (u.search) {
      const n = this.queryVariants.get(u.pathname) ?? 0;
      if (n >= MAX_VARIANTS) {
        this.dropped++;
        return false;
      }
      this.queryVariants.set(u.pathname, n + 1);
    }
    this.seen.add(key);
    this.queue.push(u);
    return true;
  }
  markSeen(u) {
    this.seen.add(label(u));
  }
}

// ---------------------------------------------------------------- results

const results = []; // {profile, url, status: ok|fail|skip|error, reason?, violations?}
const loginFailures = [];
let timedOut = false;

function record(profile, url, status, extra = {}) {
  const r = { profile, url, status, ...extra };
  results.push(r);
  const tag = { ok: 'ok ', fail: 'FAIL', error: 'FAIL', skip: 'skip' }[status];
  let line = `${tag} ${url} (${profile})`;
  if (status === 'fail') line += `: ${r.violations.length} violation(s)`;
  if (r.reason) line += `: ${r.reason}`;
  console.log(line);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---------------------------------------------------------------- browser work

async function newPage(context) {
  const page = await context.newPage();
  // The app may send a CSP forbidding inline scripts; axe is injected inline.
  await page.setBypassCSP(true);
  await page.setViewport({ width: 1366, height: 900 });
  page.setDefaultNavigationTimeout(NAV_TIMEOUT_MS);
  page.setDefaultTimeout(NAV_TIMEOUT_MS);
  page.on('dialog', (d) => d.dismiss().catch(() => {}));
  return page;
}

async function runAxe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return withTimeout(
    page.evaluate(
      async (tags, maxNodes) => {
        const r = await window.axe.run(document, {
          runOnly: { type: 'tag', values: tags },
          resultTypes: ['violations'],
        });
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodeCount: v.nodes.length,
          nodes: v.nodes.slice(0, maxNodes).map((n) => ({
            target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : String(t))).join(' , '),
            html: n.html,
            summary: n.failureSummary,
          })),
        }));
      },
      AXE_TAGS,
      MAX_NODES,
    ),
    AXE_TIMEOUT_MS,
    'axe.run',
  );
}

// WCAG 1.4.10 reflow: at 320 CSS px nothing may make the page scroll sideways (a wide table
// scrolls inside its own region). Reported like an axe violation, naming what sticks out.
async function reflow(page) {
  await page.setViewport({ width: 320, height: 900 });
  try {
    const wide = await sticksOut(page);
    if (!wide.length) return [];
    return [{ id: 'reflow-320', impact: 'serious', help: 'Content must reflow at 320 px without sideways scrolling (WCAG 1.4.10)', helpUrl: 'https://www.w3.org/WAI/WCAG21/Understanding/reflow.html', nodeCount: wide.length, nodes: wide }];
  } finally {
    await page.setViewport({ width: 1366, height: 900 });
  }
}

async function login(page, user) {
  const loginUrl = new URL(LOGIN_PATH, ORIGIN).href;
  const resp = await page.goto(loginUrl, { waitUntil: 'load' });
  if (!resp || resp.status() >= 400) throw new Error(`GET ${LOGIN_PATH} returned ${resp ? resp.status() : 'no response'}`);
  const email = await page.$('input[name="epost"]');
  const pass = await page.$('input[name="passord"]');
  if (!email || !pass) throw new Error(`no input named "epost"/"passord" on ${LOGIN_PATH}`);
  await email.evaluate((el) => (el.value = ''));
  await email.type(user.email);
  await pass.evaluate((el) => (el.value = ''));
  await pass.type(user.password);
  // Submit the real form (with its hidden CSRF field) through its submit button.
  const [navResp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: NAV_TIMEOUT_MS }),
    email.evaluate((el) => {
      const form = el.form;
      if (!form) throw new Error('input "epost" is not inside a form');
      const submitter = form.querySelector('button:not([type]), button[type="submit"], input[type="submit"]');
      form.requestSubmit(submitter || undefined);
    }),
  ]);
  const status = navResp ? navResp.status() : 0;
  const state = await page.evaluate((logout) => {
    const hasLogout = [...document.querySelectorAll('form[action], [formaction], a[href]')].some((el) => {
      const target = el.getAttribute('action') ?? el.getAttribute('formaction') ?? el.getAttribute('href');
      try {
        return new URL(target, location.href).pathname === logout;
      } catch {
        return false;
      }
    });
    const hasPasswordField = !!document.querySelector('input[name="passord"]');
    const msg = document.querySelector('[role="alert"], .error, .feil, .flash')?.textContent?.trim() ?? '';
    return { hasLogout, hasPasswordField, msg };
  }, LOGOUT_PATH);
  const where = new URL(page.url()).pathname;
  if (status >= 400 || !state.hasLogout || state.hasPasswordField) {
    const bits = [`after submit: HTTP ${status || '?'} at ${where}`];
    if (!state.hasLogout) bits.push(`no logout form/link (${LOGOUT_PATH})`);
    if (state.hasPasswordField) bits.push('password field still shown');
    if (state.msg) bits.push(`page says: "${state.msg.slice(0, 160)}"`);
    throw new Error(bits.join('; '));
  }
}

async function crawlProfile(browser, profile) {
  const context = await browser.createBrowserContext();
  try {
    const page = await newPage(context);
    if (profile.user) {
      try {
        await login(page, profile.user);
        console.log(`-- logged in as ${profile.name}`);
      } catch (e) {
        loginFailures.push({ profile: profile.name, reason: e.message });
        console.log(`FAIL login as ${profile.name}: ${e.message}`);
        return;
      }
    } else {
      console.log(`-- ${profile.name}`);
    }

    const frontier = new Frontier();
    const seeds = profile.user ? SEEDS : [...SEEDS, LOGIN_PATH];
    for (const s of seeds) frontier.add(new URL(s, ORIGIN));

    const done = new Set(); // labels of pages actually checked (incl. redirect targets)
    let visited = 0;
    while (frontier.queue.length > 0) {
      if (visited >= MAX_PAGES) {
        console.log(`-- ${profile.name}: page cap ${MAX_PAGES} reached, ${frontier.queue.length} queued URL(s) not checked`);
        break;
      }
      if (timeLeft() <= 0) {
        timedOut = true;
        console.log(`-- ${profile.name}: total time budget exhausted, ${frontier.queue.length} queued URL(s) not checked`);
        break;
      }
      const url = frontier.queue.shift();
      const name = label(url);
      if (done.has(name)) continue; // already checked as a redirect target
      visited++;

      let resp;
      try {
        resp = await page.goto(url.href, { waitUntil: 'load', timeout: Math.min(NAV_TIMEOUT_MS, Math.max(timeLeft(), 1000)) });
      } catch (e) {
        const msg = e.message.split('\n')[0];
        if (/ERR_ABORTED/.test(msg)) record(profile.name, name, 'skip', { reason: `navigation aborted (download?): ${msg}` });
        else record(profile.name, name, 'error', { reason: `navigation failed: ${msg}` });
        continue;
      }
      if (!resp) {
        record(profile.name, name, 'error', { reason: 'no response' });
        continue;
      }
      const status = resp.status();
      if (status === 401 || status === 403 || status === 404) {
        record(profile.name, name, 'skip', { reason: `HTTP ${status}` });
        continue;
      }
      if (status >= 400) {
        record(profile.name, name, 'error', { reason: `HTTP ${status}` });
        continue;
      }
      const ctype = resp.headers()['content-type'] || '';
      if (ctype && !/text\/html|application\/xhtml/i.test(ctype)) {
        record(profile.name, name, 'skip', { reason: `not HTML (${ctype})` });
        continue;
      }

      // Redirects: check the final page under its own name, once.
      const final = new URL(page.url());
      final.hash = '';
      let shown = name;
      if (final.origin !== ORIGIN) {
        record(profile.name, name, 'skip', { reason: `redirected off-site to ${final.href}` });
        continue;
      }
      if (label(final) !== name) {
        if (done.has(label(final))) {
          record(profile.name, name, 'skip', { reason: `redirected to ${label(final)} (already checked)` });
          continue;
        }
        frontier.markSeen(final);
        shown = `${name} -> ${label(final)}`;
      }

      done.add(label(final));

      // Collect links before axe touches the DOM.
      let links = [];
      try {
        links = await page.$$eval('a[href]', (as) =>
          as.filter((a) => !a.hasAttribute('download')).map((a) => [a.getAttribute('href'), a.href]),
        );
      } catch (e) {
        console.log(`   (could not read links on ${shown}: ${e.message.split('\n')[0]})`);
      }

      try {
        const violations = await runAxe(page);
        violations.push(...(await reflow(page)));
        record(profile.name, shown, violations.length ? 'fail' : 'ok', { violations });
      } catch (e) {
        record(profile.name, shown, 'error', { reason: `axe failed: ${e.message.split('\n')[0]}` });
      }

      for (const [raw, abs] of links) {
        const u = crawlable(raw, abs);
        if (u) frontier.add(u);
      }
    }
    if (frontier.dropped > 0) {
      console.log(`-- ${profile.name}: ${frontier.dropped} link(s) not followed (more than 3 id/query variants)`);
    }
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------- report

function printDetails() {
  const failing = results.filter((r) => r.status === 'fail');
  if (failing.length === 0) return;
  console.log('\nViolations:');
  for (const r of failing) {
    console.log(`\nFAIL ${r.url} (${r.profile})`);
    for (const v of r.violations) {
      console.log(`  [${v.impact ?? 'n/a'}] ${v.id}: ${v.help} (${v.nodeCount} node(s))`);
      console.log(`    ${v.helpUrl}`);
      for (const n of v.nodes) {
        const html = n.html.replace(/\s+/g, ' ').trim();
        console.log(`    - target: ${n.target}`);
        console.log(`      html:   ${html.length > 240 ? html.slice(0, 237) + '...' : html}`);
        const fix = (n.summary || '').split('\n').map((s) => s.trim()).filter(Boolean).slice(0, 2).join(' ');
        if (fix) console.log(`      fix:    ${fix.length > 240 ? fix.slice(0, 237) + '...' : fix}`);
      }
      if (v.nodeCount > v.nodes.length) console.log(`    ... and ${v.nodeCount - v.nodes.length} more node(s)`);
    }
  }
}

// ---------------------------------------------------------------- main

let browser;
let userDataDir;

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = undefined;
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  userDataDir = undefined;
}

// Hard stop if something hangs past the budget (plus a grace period).
const watchdog = setTimeout(async () => {
  console.error(`a11y: hard timeout after ${Math.round((Date.now() - started) / 1000)} s, aborting`);
  const proc = browser?.process();
  if (proc) proc.kill('SIGKILL');
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  process.exit(2);
}, TOTAL_TIMEOUT_MS + 90_000);
watchdog.unref();

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}

async function main() {
  userDataDir = mkdtempSync(join(tmpdir(), 'a11y-chromium-'));
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir,
    protocolTimeout: 60_000,
    timeout: 60_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const axeVersion = require('axe-core/package.json').version;
  console.log(`a11y: ${ORIGIN}, axe-core ${axeVersion}, ${await browser.version()}, profiles: ${profiles.map((p) => p.name).join(', ')}`);

  for (const profile of profiles) {
    if (timeLeft() <= 0) {
      timedOut = true;
      console.log(`-- ${profile.name}: not checked, total time budget exhausted`);
      continue;
    }
    await crawlProfile(browser, profile);
  }
  await cleanup();

  printDetails();

  const checked = results.filter((r) => r.status === 'ok' || r.status === 'fail').length;
  const violations = results.reduce((n, r) => n + (r.violations?.length ?? 0), 0);
  const errors = results.filter((r) => r.status === 'error');
  const skipped = results.filter((r) => r.status === 'skip').length;

  if (process.env.A11Y_REPORT) {
    writeFileSync(
      process.env.A11Y_REPORT,
      JSON.stringify({ base: ORIGIN, tags: AXE_TAGS, results, loginFailures, timedOut }, null, 2),
    );
  }

  console.log('');
  if (skipped) console.log(`a11y: ${skipped} page(s) skipped (401/403/404, redirects, downloads)`);
  if (errors.length) console.log(`a11y: ${errors.length} page error(s) (HTTP >= 400, navigation or axe failures)`);
  if (loginFailures.length) console.log(`a11y: login failed for ${loginFailures.map((f) => f.profile).join(', ')}`);
  if (timedOut) console.log(`a11y: total time budget of ${TOTAL_TIMEOUT_MS / 1000} s exhausted before the crawl finished`);
  console.log(`a11y: ${checked} pages checked, ${violations} violations`);

  const failed = violations > 0 || errors.length > 0 || loginFailures.length > 0 || timedOut || checked === 0;
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(`a11y: ${e.stack || e}`);
    await cleanup();
    process.exit(2);
  },
);
