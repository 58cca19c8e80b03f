// The extension in a real VS Code: code-server with the packaged .vsix installed, driven through
// Debian's Chromium by playwright-core. Opens a copy of examples/schema.sql, sees the
// timestamp-without-time-zone squiggle and its Problems entry, applies "Convert to timestamptz"
// from the quick fix menu, sees that finding gone with the file left unsaved, opens
// "ddlint: Show ERD" and finds the tables in the panel, clicks one to open its definition, saves
// and sees the panel redrawn, runs "ddlint: Fix all safe problems", and draws the ERD around the
// table under the cursor.
// A screenshot of each step goes to DDLINT_UI_SCREENSHOTS.
//
// Environment: DDLINT_VSIX (the platform .vsix, required), DDLINT_UI_SCREENSHOTS (default
// ./screenshots), CHROMIUM (default /usr/bin/chromium).
'use strict';
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const REPO = path.resolve(__dirname, '..', '..', '..');
const CODE_SERVER = require.resolve('code-server/out/node/entry.js');
const STEP_MS = 60_000;
const SHOTS = path.resolve(process.env.DDLINT_UI_SCREENSHOTS ?? path.join(__dirname, 'screenshots'));
const VSIX = process.env.DDLINT_VSIX;
const RULE = 'timestamp-without-time-zone';
// The browser flags this machine's closed network needs: nothing fetched in the background.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function main() {
  if (VSIX === undefined || !fs.existsSync(VSIX)) {
    throw new Error('DDLINT_VSIX must name the packaged extension');
  }
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ddlint-vscode-ui-'));
  const userData = path.join(scratch, 'user-data');
  const extensions = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'shop');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(workspace);
  // A copy: the fix edits it, and the check that nothing saved reads it back.
  const original = fs.readFileSync(path.join(REPO, 'examples', 'schema.sql'), 'utf8');
  const schema = path.join(workspace, 'schema.sql');
  fs.writeFileSync(schema, original);
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'files.autoSave': 'off',
      'editor.lightbulb.enabled': 'on',
    }),
  );
  const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(process.execPath, [CODE_SERVER, ...dirs, '--install-extension', path.resolve(VSIX)], {
    stdio: 'inherit',
  });

  const port = await freePort();
  const server = spawn(
    process.execPath,
    [
      CODE_SERVER,
      ...dirs,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      workspace,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const serverLog = [];
  server.stdout.on('data', (data) => serverLog.push(String(data)));
  server.stderr.on('data', (data) => serverLog.push(String(data)));

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // Playwright gives the browser a new empty profile of its own.
    args: CHROMIUM_ARGS,
  });
  let page;
  let step = 0;
  const shot = async (name) => {
    step += 1;
    await page.screenshot({ path: path.join(SHOTS, `${String(step).padStart(2, '0')}-${name}.png`) });
  };
  try {
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    page.setDefaultTimeout(STEP_MS);
    await waitForServer(port, server, serverLog);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator('.monaco-workbench').waitFor();
    await shot('workbench');

    // Open the schema through Quick Open.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('schema.sql');
    await page.locator('.quick-input-list .monaco-list-row').first().waitFor();
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-line', { hasText: 'CREATE TABLE customers' }).waitFor();
    await editor.locator('.squiggly-warning, .squiggly-error, .squiggly-info').first().waitFor();
    await shot('squiggles');

    // The Problems panel lists the finding on customers.created_at (line 7).
    await runCommand(page, 'View: Focus Problems');
    const problems = page.locator('.markers-panel');
    const timestampRows = problems.locator('.monaco-list-row', { hasText: RULE });
    await timestampRows.first().waitFor();
    const before = await timestampRows.count();
    await problems.locator('.monaco-list-row', { hasText: '[Ln 7,' }).filter({ hasText: RULE }).waitFor();
    await shot('problems');

    // Quick fix on the flagged type: the cursor on `timestamp`, then the quick fix menu.
    await editor.click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':7:17');
    await page.keyboard.press('Enter');
    await page.locator('.lightbulb-glyph, .codicon-light-bulb, .codicon-lightbulb-autofix').first().waitFor();
    await shot('light-bulb');
    const zonedLines = editor.locator('.view-line', { hasText: /\btimestamptz\b/ });
    const zonedBefore = await zonedLines.count();
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget .monaco-list-row', { hasText: 'Convert to timestamptz' });
    await fix.first().waitFor();
    await shot('quick-fix-menu');
    // The menu takes keys (a pointer click is caught by its overlay): down to the fix, then Enter.
    const focused = page.locator('.action-widget .monaco-list-row.focused');
    for (let moves = 0; !((await focused.textContent()) ?? '').includes('Convert to timestamptz'); moves++) {
      if (moves > 10) {
        throw new Error('"Convert to timestamptz" cannot be reached in the quick fix menu');
      }
      await page.keyboard.press('ArrowDown');
    }
    await page.keyboard.press('Enter');
    await waitUntil(async () => (await zonedLines.count()) === zonedBefore + 1, 'the fix to rewrite the type');
    await problems.locator('.monaco-list-row', { hasText: '[Ln 7,' }).filter({ hasText: RULE }).waitFor({ state: 'detached' });
    await waitUntil(async () => (await timestampRows.count()) === before - 1, 'the fixed finding to leave Problems');
    // The fix leaves the file dirty and the disk untouched.
    await page.locator('.tabs-container .tab.active.dirty').waitFor();
    if (fs.readFileSync(schema, 'utf8') !== original) {
      throw new Error('applying the quick fix saved schema.sql');
    }
    await shot('fixed');

    // The ERD panel, from the command palette, with every table of the schema.
    await runCommand(page, 'ddlint: Show ERD');
    const erd = page
      .frameLocator('iframe.webview.ready')
      .frameLocator('#active-frame');
    for (const table of ['customers', 'products', 'orders', 'order_items', 'payment_events']) {
      await erd.locator(`svg.erd g.table[data-name="${table}"]`).waitFor();
    }
    await shot('erd');

    // A click on a table opens its definition.
    await erd.locator('svg.erd g.table[data-name="products"] .title').click();
    await page
      .locator('.statusbar-item', { hasText: /Ln 10, Col/ })
      .first()
      .waitFor();
    await shot('erd-click-opens-table');

    // Saving the schema redraws the panel: customers.created_at is drawn as timestamptz now.
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached' });
    await erd
      .locator('svg.erd g.table[data-name="customers"]', { hasText: 'timestamptz' })
      .waitFor();
    await shot('erd-redrawn-after-save');

    // "Fix all safe problems" adds the missing foreign key indexes, unsaved.
    const unindexed = problems.locator('.monaco-list-row', { hasText: 'foreign-key-without-index' });
    await unindexed.first().waitFor();
    await editor.click();
    await runCommand(page, 'ddlint: Fix all safe problems');
    await unindexed.first().waitFor({ state: 'detached' });
    await editor.locator('.view-line', { hasText: /CREATE\sINDEX\sorders_customer_id_idx/ }).waitFor();
    await page.locator('.tabs-container .tab.active.dirty').waitFor();
    await shot('fix-all');

    // With the cursor on a table's name the panel draws that table and its neighbours only.
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':19:15');
    await page.keyboard.press('Enter');
    await runCommand(page, 'ddlint: Show ERD');
    await page.locator('.tab', { hasText: 'ddlint ERD: orders' }).waitFor();
    await erd.locator('svg.erd g.table[data-name="order_items"]').waitFor();
    await erd.locator('svg.erd g.table[data-name="customers"]').waitFor();
    await erd.locator('svg.erd g.table[data-name="products"]').waitFor({ state: 'detached' });
    await shot('erd-around-orders');
    console.log(`vscode ui test passed: ${step} screenshots in ${SHOTS}`);
  } catch (error) {
    if (page !== undefined) {
      await page.screenshot({ path: path.join(SHOTS, 'failure.png') }).catch(() => {});
    }
    console.error(serverLog.join('').slice(-4000));
    throw error;
  } finally {
    await browser.close();
    process.kill(-server.pid, 'SIGTERM');
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

async function runCommand(page, name) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.fill(`>${name}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function waitUntil(check, what) {
  const deadline = Date.now() + STEP_MS;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function waitForServer(port, server, log) {
  await waitUntil(async () => {
    if (server.exitCode !== null) {
      throw new Error(`code-server exited with ${server.exitCode}\n${log.join('')}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      return response.ok;
    } catch {
      return false;
    }
  }, 'code-server to listen');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
