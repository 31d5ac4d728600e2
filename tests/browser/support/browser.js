// Shared by the Chromium tests: Debian's chromium driven by playwright-core, and the check that a
// page loaded without a session cookie reports an AuthenticationError.
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.KEYSCOPE_CHROMIUM ?? '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps dialling Google's hosts, which this
// machine's closed network refuses.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

// Opens `origin`/ in a fresh context (no cookie) and expects the page to report the
// AuthenticationError the package raised (body[data-ready="error"], #error[data-type]).
export async function assertSignedOutPageShowsAuthenticationError(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.waitForSelector('body[data-ready]', { timeout: 20000 });
  assert.equal(await page.getAttribute('body', 'data-ready'), 'error');
  assert.equal(await page.getAttribute('#error', 'data-type'), 'AuthenticationError');
  await context.close();
}
