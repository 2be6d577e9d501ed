#!/usr/bin/env node
// Screenshots of pages as a demo user, for looking: node shot.mjs BASE EMAIL OUT_PREFIX PATH...
// (EMAIL "-" = anonymous). Each path at 1366 and 390 px wide, full page; prints each page's
// scroll width so a page-wide sideways scroll shows as a number above the window width.
import puppeteer from 'puppeteer-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, email, out, ...paths] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.A11Y_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir: mkdtempSync(join(tmpdir(), 'shot-')),
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
if (email !== '-') {
  await page.goto(`${base}/logg-inn`);
  await page.type('#epost', email);
  await page.type('#passord', 'samveis-demo');
  await Promise.all([page.waitForNavigation(), page.click('form[action="/logg-inn"] button[type=submit]')]);
}
let i = 0;
for (const path of paths) {
  for (const width of [1366, 390]) {
    await page.setViewport({ width, height: 900 });
    await page.goto(`${base}${path}`, { waitUntil: 'load' });
    const sw = await page.evaluate(() => document.documentElement.scrollWidth);
    const file = `${out}-${i}-${width}.png`;
    await page.screenshot({ path: file, fullPage: true });
    console.log(`${path} @${width}: scrollWidth ${sw} -> ${file}`);
  }
  i++;
}
await browser.close();
