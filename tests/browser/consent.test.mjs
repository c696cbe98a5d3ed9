// The mock's Harvest ID consent page (`--oauth-consent page`) approved by a
// real headless Chromium, as a person connecting an app would: open the
// authorize URL, pick a member (not the preselected administrator), click
// "Authorize App", follow the redirect to the app's callback, exchange the
// code, and call `GET /v2/users/me` with the token: it is the member picked.
//
// The browser is Debian's `chromium` (CHROMIUM_BIN names another), driven
// over the DevTools protocol by puppeteer-core, which downloads no browser.
// Everything listens on 127.0.0.1 only; every step has a timeout; the mock,
// the callback listener and the browser are stopped whatever happens.
//
// Run by `.ci/run` through `tests/browser/run.sh`.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = process.env.HARVEST_MOCK_BIN ?? `${ROOT}target/debug/harvest-mock`;
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const STEP_MS = 20_000;
const USER_AGENT = 'browser consent test (dev@example.com)';

/** Rejects with `what` when `promise` takes longer than `ms`. */
function within(promise, ms, what) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** `harvest-mock serve` on a free port; resolves with its ready line and a `stop()`. */
async function startMock(args) {
  assert.ok(existsSync(BIN), `build the mock first (cargo build -p harvest-mock): ${BIN}`);
  const child = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout });
  const stop = async () => {
    lines.close();
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await within(exited, 10_000, 'the mock stopping').catch(() => child.kill('SIGKILL'));
  };
  try {
    const ready = await within(
      Promise.race([
        new Promise((resolve) => lines.once('line', (line) => resolve(JSON.parse(line)))),
        exited.then((code) => Promise.reject(new Error(`the mock exited before it was ready (status ${code})`))),
      ]),
      60_000,
      'the ready line',
    );
    assert.equal(ready.event, 'ready');
    return { ready, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The app's redirect target: answers every request and resolves each `next()` with the URL asked. */
async function startCallback() {
  const waiting = [];
  const seen = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', connection: 'close' });
    res.end('<!DOCTYPE html><title>Connected</title><p>Connected.</p>');
    if (url.pathname !== '/callback') return;
    const w = waiting.shift();
    if (w) w(url);
    else seen.push(url);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}/callback`,
    next: () => within(
      seen.length ? Promise.resolve(seen.shift()) : new Promise((resolve) => waiting.push(resolve)),
      STEP_MS,
      'the redirect to the callback',
    ),
    close: () => new Promise((resolve) => {
      server.closeAllConnections?.();
      server.close(() => resolve());
    }),
  };
}

async function json(url, init) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(STEP_MS) });
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null];
}

/** Opens the consent page, checks it, picks a member other than the preselected user and submits. */
async function consentAsMember(page, authorizeUrl) {
  const answer = await page.goto(authorizeUrl, { waitUntil: 'load', timeout: STEP_MS });
  assert.equal(answer.status(), 200);
  assert.match(answer.headers()['content-type'], /^text\/html/);
  const users = await page.$$eval('#users li', (items) => items.map((li) => ({
    id: Number(li.dataset.userId),
    roles: li.dataset.roles.split(' '),
    name: li.querySelector('.name').textContent,
    checked: li.querySelector('input[type=radio]').checked,
  })));
  assert.ok(users.length >= 3, `the page lists ${users.length} users`);
  const preselected = users.filter((u) => u.checked);
  assert.equal(preselected.length, 1, 'one user is preselected');
  assert.deepEqual(preselected[0].roles, ['administrator']);
  const member = users.find((u) => !u.checked && u.roles.includes('member'));
  assert.ok(member, `a member on the page: ${JSON.stringify(users)}`);
  await page.click(`#user-${member.id}`);
  assert.equal(await page.$eval(`#user-${member.id}`, (input) => input.checked), true);
  assert.equal(await page.$eval('#authorize', (b) => b.textContent), 'Authorize App');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load', timeout: STEP_MS }),
    page.click('#authorize'),
  ]);
  return member;
}

describe('the consent page in headless Chromium', { timeout: 120_000 }, () => {
  let mock;
  let callback;
  let browser;

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_BIN)`);
    mock = await startMock(['--oauth-consent', 'page', '--oauth-client', 'browser-app:s3cret']);
    callback = await startCallback();
    browser = await within(
      puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        // Root in a container has no user namespaces for the sandbox; the rest keeps Chromium
        // off the network (puppeteer's defaults already turn off background networking).
        args: ['--no-sandbox', '--disable-gpu', '--disable-component-update', '--disable-domain-reliability'],
        timeout: STEP_MS,
        protocolTimeout: STEP_MS,
      }),
      STEP_MS + 5_000,
      'Chromium starting',
    );
  });

  after(async () => {
    if (browser) {
      const proc = browser.process();
      await within(browser.close(), 10_000, 'Chromium closing').catch(() => proc?.kill('SIGKILL'));
    }
    await callback?.close();
    await mock?.stop();
  });

  test('code flow: the chosen member authorizes, and the token acts as them', async () => {
    const { url } = mock.ready;
    const page = await browser.newPage();
    try {
      const authorize = new URL('/oauth2/authorize', url);
      authorize.search = new URLSearchParams({
        client_id: 'browser-app',
        response_type: 'code',
        redirect_uri: callback.url,
        state: 'st <&> 1',
      }).toString();
      const arrived = callback.next();
      const member = await consentAsMember(page, authorize.href);
      const redirected = await arrived;
      assert.equal(redirected.searchParams.get('state'), 'st <&> 1');
      assert.equal(new URL(page.url()).pathname, '/callback', 'the browser landed on the callback');
      const code = redirected.searchParams.get('code');
      assert.match(code ?? '', /^[0-9a-f]{16,}$/);

      const [status, tokens] = await json(`${url}/api/v2/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': USER_AGENT },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          client_id: 'browser-app',
          client_secret: 's3cret',
          redirect_uri: callback.url,
        }).toString(),
      });
      assert.equal(status, 200, JSON.stringify(tokens));
      assert.equal(tokens.token_type, 'bearer');

      const [meStatus, me] = await json(`${mock.ready.api}/users/me`, {
        headers: { Authorization: `Bearer ${tokens.access_token}`, 'Harvest-Account-Id': '1', 'User-Agent': USER_AGENT },
      });
      assert.equal(meStatus, 200, JSON.stringify(me));
      assert.equal(me.id, member.id, 'users/me is the user picked on the page');
      assert.equal(`${me.first_name} ${me.last_name}`, member.name);
      assert.deepEqual(me.access_roles, member.roles);
    } finally {
      await page.close();
    }
  });

  test('implicit flow: the token arrives in the fragment the browser keeps', async () => {
    const { url } = mock.ready;
    const page = await browser.newPage();
    try {
      const authorize = new URL('/oauth2/authorize', url);
      authorize.search = new URLSearchParams({
        client_id: 'browser-app',
        response_type: 'token',
        redirect_uri: callback.url,
        state: 'implicit',
      }).toString();
      const arrived = callback.next();
      const member = await consentAsMember(page, authorize.href);
      await arrived;
      const fragment = new URLSearchParams(new URL(page.url()).hash.slice(1));
      assert.equal(fragment.get('state'), 'implicit');
      assert.equal(fragment.get('token_type'), 'bearer');
      const [status, me] = await json(`${mock.ready.api}/users/me`, {
        headers: {
          Authorization: `Bearer ${fragment.get('access_token')}`,
          'Harvest-Account-Id': '1',
          'User-Agent': USER_AGENT,
        },
      });
      assert.equal(status, 200, JSON.stringify(me));
      assert.equal(me.id, member.id);
    } finally {
      await page.close();
    }
  });
});
