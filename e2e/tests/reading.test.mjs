// Reading without JavaScript, and accessibility checked by axe-core (WCAG 2 A and AA:
// labels, contrast, names, landmarks) on each main page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startDesk, startBrowser, signIn, VIEWPORT } from '../lib/desk.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

let desk;
let browser;

before(async () => {
  desk = await startDesk();
  browser = await startBrowser();
});

after(async () => {
  if (browser) { await browser.close(); }
  if (desk) { await desk.stop(); }
});

/** A new ticket from a customer, as PD-n (how many wait depends on the demo's hour). */
async function someTicket() {
  const created = await desk.api('/api/v1/tickets', {
    subject: 'Refund not received', body: 'I was promised a refund of 42.00 last week.',
    business_line: 'buyer', channel: 'web',
  });
  return created.number ?? created.ticket?.number;
}

test('without JavaScript the home and a ticket read, and a note posts', async () => {
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await signIn(page, desk.base, desk.logins.lead);
  await page.goto(`${desk.base}/desk?list=all`);
  assert.ok(await page.locator('table.work tbody tr').count() > 0, 'the list shows tickets');
  const number = await someTicket();
  await page.goto(`${desk.base}/desk/tickets/${number}`);
  await page.locator('#conversation article.message').first().waitFor();
  await page.locator('#visibility-internal').check();
  await page.locator('#reply-body').fill('Read and answered without scripts');
  await page.locator('#reply-send').click();
  await page.waitForLoadState('domcontentloaded');
  await page.locator('#conversation article.message.internal', { hasText: 'without scripts' }).waitFor();
  await context.close();
});

test('the main pages pass axe-core\'s WCAG 2 A and AA rules', async () => {
  // axe is injected as a script, which the pages' CSP would refuse: bypass it here only.
  const context = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${desk.base}/desk/sign-in`);
  const pages = ['/desk/sign-in'];
  const found = {};
  const check = async (on, path) => {
    const reply = await on.goto(`${desk.base}${path}`);
    assert.equal(reply.status(), 200, `${path} answers 200`);
    await on.addScriptTag({ path: AXE });
    const result = await on.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] }));
    const problems = result.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.help} e.g. ${v.nodes[0].html.slice(0, 120)}`);
    if (problems.length) { found[path] = problems; }
  };
  await check(page, pages[0]);
  await signIn(page, desk.base, desk.logins.lead);
  const number = await someTicket();
  for (const path of ['/desk', '/desk?list=all', `/desk/tickets/${number}`, '/desk/overview', '/desk/agents', '/desk/shortcuts',
    '/desk/escalations', '/desk/escalations/1', '/desk/sops', '/desk/sops/1', '/desk/macros', '/desk/rules', '/desk/rules/new', '/desk/rules/1']) {
    await check(page, path);
  }
  await context.close();
  const admin = await browser.newContext({ viewport: VIEWPORT, bypassCSP: true });
  const adminPage = await admin.newPage();
  await signIn(adminPage, desk.base, desk.logins.admin);
  for (const path of ['/desk/admin', '/desk/admin/users', '/desk/admin/queues', '/desk/admin/tokens', '/desk/admin/partner-teams']) {
    await check(adminPage, path);
  }
  await admin.close();
  assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
});
