#!/usr/bin/env node
// Browser journeys: the demo users click through Samveis from the front page, as people do,
// in headless Chromium. At each step axe-core (WCAG 2.1 A + AA) runs at 1366 and 390 px, and
// the page must reflow at 320 px without sideways scrolling. What a step expects is checked
// on the page itself: the figures shown, the fields kept, the files downloaded and read back.
//
// Usage: node journeys.mjs BASE_URL        (the caller starts a fresh demo server)
// Env:   A11Y_CHROMIUM      browser binary (default /usr/bin/chromium)
//        JOURNEY_SHOTS      a directory for a screenshot of every step at both widths
// Exit:  0 when every expectation held and no step had a violation; 1 otherwise.

import puppeteer from 'puppeteer-core';
import { sticksOut } from './reflow.mjs';
import { readSheet } from 'read-excel-file/node';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');
const BASE = (process.argv[2] || 'http://127.0.0.1:8080').replace(/\/$/, '');
const SHOTS = process.env.JOURNEY_SHOTS || '';
const PASSWORD = 'samveis-demo';
const work = mkdtempSync(join(tmpdir(), 'journeys-'));
let failures = 0;
let shot = 0;

function expect(condition, what, detail = '') {
  if (condition) {
    console.log(`  ok   ${what}`);
  } else {
    failures++;
    console.log(`  FAIL ${what}${detail ? `: ${String(detail).slice(0, 600)}` : ''}`);
  }
}

// ------------------------------------------------------------------ looking at a step

async function axe(page) {
  await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/// Checks the page as it is now at 1366 and 390 px (axe) and 320 px (reflow), then goes back to
/// 1366 px. The page is not reloaded, so a page showing errors is checked with its errors.
async function look(page, step) {
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: 900 });
    const violations = await axe(page);
    expect(violations.length === 0, `${step}: axe at ${width} px`, violations.join('; '));
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${String(++shot).padStart(2, '0')}-${width}.png`), fullPage: true });
    }
  }
  await page.setViewport({ width: 320, height: 900 });
  const wide = await sticksOut(page);
  expect(wide.length === 0, `${step}: reflows at 320 px`, wide.map((w) => w.html).join(' | '));
  await page.setViewport({ width: 1366, height: 900 });
}

// ------------------------------------------------------------------ moving around

async function text(page) {
  return page.evaluate(() => document.querySelector('main').innerText.replace(/\s+/g, ' '));
}

async function follow(page, name) {
  const link = await page.waitForSelector(`::-p-aria([name="${name}"][role="link"])`, { timeout: 5000 });
  await Promise.all([page.waitForNavigation(), link.click()]);
}

async function press(page, name) {
  const button = await page.waitForSelector(`::-p-aria([name="${name}"][role="button"])`, { timeout: 5000 });
  await Promise.all([page.waitForNavigation(), button.click()]);
}

async function field(page, name, role = 'textbox') {
  return page.waitForSelector(`::-p-aria([name="${name}"][role="${role}"])`, { timeout: 5000 });
}

async function type(page, name, value) {
  const input = await field(page, name);
  await input.click({ clickCount: 3 });
  await input.type(value);
}

/// Signs in from the front page, as a person does: «Logg inn», e-mail, password.
async function signIn(browser, email) {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setBypassCSP(true); // axe is injected inline
  await page.setViewport({ width: 1366, height: 900 });
  page.setDefaultTimeout(20_000);
  await page.goto(`${BASE}/`);
  await follow(page, 'Logg inn');
  await type(page, 'E-post', email);
  await (await page.$('#passord')).type(PASSWORD);
  await press(page, 'Logg inn');
  expect(!!(await page.$('form[action="/logg-ut"]')), `${email} is signed in`);
  return { page, context };
}

/// A file the page links to, fetched with the page's session.
async function download(page, href) {
  const base64 = await page.evaluate(async (url) => {
    const r = await fetch(url);
    const bytes = new Uint8Array(await r.arrayBuffer());
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return btoa(s);
  }, href);
  return Buffer.from(base64, 'base64');
}

function pdfText(bytes) {
  const file = join(work, `doc-${Date.now()}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-']).toString('utf8');
}

/// Posts a form with the page's session and CSRF token; the status code.
async function postAs(page, path, fields = {}) {
  return page.evaluate(
    async (path, fields) => {
      const csrf = document.querySelector('input[name="_csrf"]')?.value || '';
      const body = new URLSearchParams({ _csrf: csrf, ...fields });
      const r = await fetch(path, { method: 'POST', body, redirect: 'manual' });
      return r.status;
    },
    path,
    fields,
  );
}


/// A small file of the kind users attach (a PDF the browser uploads from disk).
function attachment(name) {
  const file = join(work, name);
  writeFileSync(file, '%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  return file;
}

async function notice(page) {
  return page.evaluate(() => [...document.querySelectorAll('.ds-alert')].map((a) => a.innerText).join(' | '));
}

async function errorSummary(page) {
  // The browser applies autofocus at its next rendering step, not at load: give it that moment.
  await page
    .waitForFunction(() => document.querySelector('.ds-error-summary')?.contains(document.activeElement), { timeout: 2000 })
    .catch(() => {});
  return page.evaluate(() => {
    const s = document.querySelector('.ds-error-summary');
    return {
      title: document.title,
      links: s ? [...s.querySelectorAll('a')].map((a) => a.getAttribute('href')) : [],
      focused: !!s && s.contains(document.activeElement),
    };
  });
}

// ------------------------------------------------------------------ the journeys

const journeys = [];
const journey = (name, run) => journeys.push({ name, run });

journey('county officer Nordland: how far has each municipality come', async (browser) => {
  const { page } = await signIn(browser, 'fylke.nordland@samveis.demo');
  await look(page, 'front page');
  await follow(page, 'Innsikt');
  await look(page, 'national insight');
  await follow(page, 'Nordland');
  const headers = await page.$$eval('#kommunene-tabell thead th', (ths) => ths.map((t) => t.innerText.trim()));
  expect(headers.slice(0, 5).join('|') === 'Kommune|Levert|I drift|Brukere|Investering', 'the key columns come first', headers);
  const visible = await page.$eval('#kommunene-tabell thead th:nth-child(5)', (th) => th.getBoundingClientRect().right <= window.innerWidth);
  expect(visible, 'investment is in view at 1366 px without scrolling');
  await look(page, 'county page');
  await follow(page, 'investering');
  await follow(page, 'navn');
  const names = await page.$$eval('#kommunene-tabell tbody th[scope=row] a', (as) => as.map((a) => a.innerText.trim()));
  const sorted = [...names].sort((a, b) => a.localeCompare(b, 'nb'));
  expect(JSON.stringify(names) === JSON.stringify(sorted), 'sorted by name as Norwegians sort', names.slice(0, 6));
  const xlsx = await download(page, await page.$eval('a[href*="kommuner.xlsx"]', (a) => a.href));
  const rows = await readSheet(xlsx);
  expect(rows[0][1] === 'Kommune' && rows.length === 42, 'the XLSX has a header and 41 municipalities', rows[0]);
  const bodo = rows.find((r) => r[1] === 'Bodø');
  expect(!!bodo && bodo[0] === '1804', 'Bodø is in the XLSX with its number', bodo);
  await page.select('#teknologi', 'digitalt_tilsyn');
  await Promise.all([page.waitForNavigation(), page.click('form[aria-label="Velg teknologi"] button')]);
  const detail = await page.$$eval('#kommunene-tabell thead th', (ths) => ths.map((t) => t.innerText.trim()));
  expect(detail.includes('Leverandør'), 'one technology in detail', detail);
  await look(page, 'county page, one technology');
});

journey('municipal editor Bodø: every error at once, corrected, sent; applies for a grant', async (browser) => {
  const { page } = await signIn(browser, 'kommune.bodo@samveis.demo');
  await follow(page, 'Rapportering');
  await look(page, 'my reports');
  await follow(page, 'Teknologistatus 2025');
  await (await page.$('#trygghetsalarm_fast_brukere')).type('tolv');
  await press(page, 'Send inn');
  const errors = await errorSummary(page);
  expect(errors.title.startsWith('Feil'), 'the title says there are errors', errors.title);
  expect(errors.links.length >= 10, 'every missing and bad field is listed at once', errors.links);
  expect(errors.links.includes('#trygghetsalarm_fast_brukere'), 'the bad value is linked', errors.links);
  expect(errors.focused, 'focus moves to the error summary');
  expect((await page.$eval('#trygghetsalarm_fast_brukere', (i) => i.value)) === 'tolv', 'what was typed is kept');
  await look(page, 'report with errors');
  const codes = await page.$$eval('select[id$="_bruk"]', (ss) => ss.map((s) => s.id));
  for (const id of codes) {
    await page.select(`#${id}`, 'I drift');
    const users = await page.$(`#${id.replace(/_bruk$/, '_brukere')}`);
    await users.click({ clickCount: 3 });
    await users.type('12');
  }
  await press(page, 'Lagre utkast');
  expect(/lagret/i.test(await notice(page)), 'the corrected draft is saved', await notice(page));
  await press(page, 'Send inn');
  expect(/sendt/i.test(await notice(page)), 'the report is sent', await notice(page));

  await follow(page, 'Tilskudd');
  await follow(page, 'Mine søknader og søknad om tilskudd');
  await look(page, 'grant applications');
  await press(page, 'Start søknad');
  await type(page, 'Søkt beløp (kr)', '400 000');
  await (await page.$('#purpose')).type('Innføring av digitalt tilsyn i hjemmetjenesten i Bodø.');
  await press(page, 'Send søknaden');
  const refused = await errorSummary(page);
  expect(refused.links.length >= 2 && refused.title.startsWith('Feil'), 'what the scheme requires is asked for, all at once', refused.links);
  await look(page, 'application with errors');
  await (await page.$('#budget')).type('Innkjøp 300 000 kr, opplæring 100 000 kr.');
  await (await page.$('#plan')).type('Anskaffelse våren 2027, drift fra høsten.');
  await (await page.$('#political_anchoring')).click();
  const upload = await page.$('#doc-anchoring');
  await upload.uploadFile(attachment('forankringsvedtak.pdf'));
  await press(page, 'Last opp');
  expect((await page.$eval('#budget', (t) => t.value)).includes('Innkjøp'), 'the upload keeps what was typed');
  await press(page, 'Send søknaden');
  expect(/sendt/i.test(await notice(page)), 'the application is sent', await notice(page));
});

journey('county officer Nordland decides the application; the letter is a decision', async (browser) => {
  const { page } = await signIn(browser, 'fylke.nordland@samveis.demo');
  await follow(page, 'Tilskudd');
  await follow(page, 'Søknader');
  const link = await page.$$eval('a[href^="/tilskudd/soknader/"]', (as) => as.filter((a) => /Bodø/.test(a.closest('tr')?.innerText || '') && /Velferdsteknologi i kommunene 2027/.test(a.closest('tr')?.innerText || '')).map((a) => a.getAttribute('href'))[0]);
  expect(!!link, 'Bodø\'s application is in the list');
  await page.goto(`${BASE}${link}`);
  await (await page.$('#outcome-grant')).click();
  await type(page, 'Innvilget beløp (kr)', '300 000');
  await (await page.$('#conditions')).type('Tilbudet skal også gis på samisk, som i Hábmer og Divtasvuodna.');
  await (await page.$('#mal_antall_1')).type('50');
  const tech = await page.$$eval('#mal_teknologi_1 option', (os) => os.find((o) => /Digitalt tilsyn/.test(o.textContent))?.value);
  await page.select('#mal_teknologi_1', tech);
  const unit = await page.$$eval('#mal_enhet_1 option', (os) => os.find((o) => o.value === 'brukere' || o.textContent === 'brukere')?.value);
  if (unit) await page.select('#mal_enhet_1', unit);
  await (await page.$('#mal_frist_1')).type('31.12.2027');
  await look(page, 'decision form');
  await press(page, 'Lagre vedtaket');
  const decided = await text(page);
  expect(/Innvilget|innvilget/.test(decided) && decided.includes('31. desember 2027'), 'the decision holds the target figure with its deadline', decided.slice(0, 500));
  const pdf = await download(page, await page.$eval('a[href$="tilskuddsbrev.pdf"]', (a) => a.href));
  const letter = pdfText(pdf).replace(/\s+/g, ' ');
  for (const needle of ['Statsforvalteren i Nordland', 'Bodø kommune', 'Hjemmel', 'forvaltningsloven', 'tre uker', '300 000 kr', 'Hábmer', 'Divtasvuodna', '31. desember 2027']) {
    expect(letter.includes(needle), `the letter says «${needle}»`, letter.slice(0, 300));
  }
});

journey('project leader Salten: ticks and a comment survive an upload; sent', async (browser) => {
  const { page } = await signIn(browser, 'prosjekt.salten@samveis.demo');
  await follow(page, 'Rapportering');
  await follow(page, 'Milepæl 4: Kartlegging og tildeling');
  await (await field(page, 'Egenerklæringsskjema', 'checkbox')).click();
  await (await field(page, 'Flytskjema for kartlegging og tildeling', 'checkbox')).click();
  await (await page.$('#kommentar')).type('Kartleggingen er ferdig i Saltdal og Fauske.');
  await (await page.$('#fil_egenerklaering-fil')).uploadFile(attachment('egenerklaering.pdf'));
  await Promise.all([page.waitForNavigation(), page.click('button[value="last_opp:fil_egenerklaering"]')]);
  expect(/lagret/i.test(await notice(page)), 'the file is stored', await notice(page));
  const kept = await page.evaluate(() => [document.querySelector('#leveranser-1').checked, document.querySelector('#leveranser-2').checked, document.querySelector('#kommentar').value]);
  expect(kept[0] && kept[1], 'both ticks are kept after the upload', kept);
  expect(kept[2] === 'Kartleggingen er ferdig i Saltdal og Fauske.', 'the comment is kept after the upload', kept[2]);
  await look(page, 'milestone after an upload');
  await (await page.$('#fil_flytskjema-fil')).uploadFile(attachment('flytskjema.pdf'));
  await page.$eval('#ferdig_dato', (i) => { i.value = '2021-09-15'; });
  await press(page, 'Send inn');
  const sent = await notice(page);
  const summary = await errorSummary(page);
  expect(/sendt/i.test(sent), 'the milestone is sent with both files', `${sent} ${summary.links.join(' ')}`);
});

journey('programme office opens a new round; the figures stay', async (browser) => {
  const { page } = await signIn(browser, 'admin@samveis.demo');
  await follow(page, 'Innsikt');
  const before = await text(page);
  const delivered = (t) => (t.match(/Kommuner som har levert (\d+) av (\d+)/) || []).slice(1).join(' av ');
  expect(/^[1-9]\d* av 357$/.test(delivered(before)), 'the nation has delivered statuses', delivered(before));
  await follow(page, 'Rapportering');
  await follow(page, 'Ny runde');
  await type(page, 'Navn', 'Teknologistatus 2026');
  const option = await page.$$eval('#template_id option', (os) => os.find((o) => o.textContent.startsWith('Teknologistatus'))?.value);
  await page.select('#template_id', option);
  await type(page, 'Periode', '2026');
  await page.$eval('#deadline', (i) => { i.value = '2026-12-20'; });
  await (await page.$('#rev-county')).click();
  await (await page.$('#aud-all')).click();
  await look(page, 'new round form');
  await press(page, 'Se over mottakerne');
  const confirm = await text(page);
  expect(/går til 357\s+kommuner/.test(confirm), 'the confirmation names the number of recipients first', confirm.slice(0, 400));
  await look(page, 'new round confirmation');
  const open = await page.waitForSelector('::-p-text(Åpne runden for)');
  await Promise.all([page.waitForNavigation(), open.click()]);
  expect((await text(page)).includes('Teknologistatus 2026'), 'the round is open', await text(page));
  await follow(page, 'Innsikt');
  const after = await text(page);
  expect(delivered(after) === delivered(before), 'the national page still shows the delivered statuses', delivered(after));
  expect(after.includes('fra runden «Teknologistatus 2025»'), 'it says which round the figures come from');
  await follow(page, 'Nordland');
  const county = await text(page);
  expect(/Kommuner som har levert [1-9]\d* av 41/.test(county), 'the county page still shows figures', county.slice(0, 400));
  await look(page, 'county page after a new round');
});

// What every signed-in user may do for themselves: sign out, their own calendar feed.
const OWN = ['/logg-ut', '/kalender/abonnement', '/konto/passord'];

journey('viewer: no form, every write refused', async (browser) => {
  const { page } = await signIn(browser, 'leser@samveis.demo');
  for (const path of ['/', '/innsikt', '/rapportering', '/tilskudd', '/kommuner', '/samarbeid', '/kalender']) {
    await page.goto(`${BASE}${path}`);
    const actions = await page.$$eval('form[method="post"], form[method="POST"]', (fs) => fs.map((f) => f.getAttribute('action')));
    const forms = actions.filter((a) => !OWN.includes(a));
    expect(forms.length === 0, `no form to change anything on ${path}`, forms);
  }
  await look(page, 'viewer on the calendar');
  // Forms as the pages would send them, so it is the access rule that refuses, not the input.
  const writes = [
    ['/rapportering/runder/ny', { name: 'x', period: '2026', deadline: '2026-12-01', audience: 'alle' }],
    ['/rapportering/innleveringer/1', { _version: '1', _handling: 'lagre' }],
    ['/tilskudd/ny', { name: 'x' }],
    ['/tilskudd/soknader/ny', { scheme: '1', unit: 'kommune:1804' }],
    ['/samarbeid/ny', { name: 'x' }],
    ['/admin/brukere/ny', { email: 'x@example.no', name: 'x' }],
    ['/innsikt/indikatorer/ny', { code: 'x', name: 'x' }],
  ];
  for (const [path, fields] of writes) {
    const status = await postAs(page, path, fields);
    expect(status === 403, `POST ${path} is refused with 403`, status);
  }
});

// ------------------------------------------------------------------ running them

const browser = await puppeteer.launch({
  executablePath: process.env.A11Y_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: join(work, 'profile'),
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
});
try {
  for (const j of journeys) {
    console.log(`journey: ${j.name}`);
    try {
      await j.run(browser);
    } catch (e) {
      failures++;
      console.log(`  FAIL ${j.name} stopped: ${e.message.split('\n')[0]}`);
    }
  }
} finally {
  await browser.close();
  rmSync(work, { recursive: true, force: true });
}
console.log(failures ? `journeys: ${failures} failure(s)` : 'journeys: every step held');
process.exit(failures ? 1 : 0);
