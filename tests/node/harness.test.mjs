// An example for Node test suites: harvest-mock as a process, with node:test
// and no npm dependencies (Node 20; `fetch` is built in).
//
// Starts the built binary on a free port (`--addr 127.0.0.1:0`), waits for
// the one JSON line it prints on stdout once it serves, calls the API as any
// Harvest client would, uses the admin API (a fault, the journal, a reset) and
// stops the process with SIGTERM. Copy `startMock` into your own suite.
//
// Run by `.ci/run` through `tests/node/run.sh`; locally:
//   cargo build -p harvest-mock && node --test tests/node/
// (`HARVEST_MOCK_BIN` names another binary, such as ~/.cargo/bin/harvest-mock.)

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = process.env.HARVEST_MOCK_BIN ?? `${ROOT}target/debug/harvest-mock`;
const API_HEADERS = {
  Authorization: 'Bearer example-token',
  'Harvest-Account-Id': '1',
  'User-Agent': 'node example (dev@example.com)',
};

/**
 * Starts `harvest-mock serve` and resolves once its ready line arrives:
 * `{ready: {event, url, api, admin, pid}, request, api, admin, stop}`.
 */
async function startMock(args = [], timeoutMs = 60_000) {
  assert.ok(existsSync(BIN), `build the mock first (cargo build -p harvest-mock): ${BIN}`);
  // stderr (the logs) is inherited; stdout carries the ready line only.
  const child = spawn(BIN, ['serve', '--addr', '127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const lines = createInterface({ input: child.stdout });
  let timer;
  try {
    const ready = await Promise.race([
      new Promise((resolve) => lines.once('line', (line) => resolve(JSON.parse(line)))),
      exited.then(({ code }) => Promise.reject(new Error(`the mock exited before it was ready (status ${code})`))),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no ready line within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    assert.equal(ready.event, 'ready');
    return mockHandle(child, exited, lines, ready);
  } catch (e) {
    child.kill('SIGKILL');
    lines.close();
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function mockHandle(child, exited, lines, ready) {
  /** [status, decoded JSON body or null]; error statuses do not throw. */
  async function request(method, url, body, headers = {}) {
    const init = { method, headers: { ...headers }, signal: AbortSignal.timeout(30_000) };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(url, init);
    const text = await res.text();
    return [res.status, text.trim() ? JSON.parse(text) : null];
  }
  return {
    ready,
    pid: child.pid,
    request,
    api: (method, path, body) => request(method, ready.api + path, body, API_HEADERS),
    admin: (method, path, body) => request(method, ready.admin + path, body),
    /** SIGTERM, then the exit status (0 on a graceful stop); SIGKILL after `timeoutMs`. */
    async stop(timeoutMs = 10_000) {
      lines.close();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      let timer;
      const killed = new Promise((resolve) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve({ code: null, signal: 'SIGKILL' });
        }, timeoutMs);
      });
      const { code, signal } = await Promise.race([exited, killed]);
      clearTimeout(timer);
      if (signal === 'SIGKILL') await exited;
      return signal === 'SIGKILL' ? `killed after ${timeoutMs} ms` : code;
    },
  };
}

describe('harvest-mock as a process', () => {
  let mock;
  before(async () => {
    mock = await startMock();
  });
  after(async () => {
    if (mock) assert.equal(await mock.stop(), 0);
  });
  beforeEach(async () => {
    // Every test starts on the seeded data, an empty journal and no faults.
    const [status, answer] = await mock.admin('POST', '/reset');
    assert.equal(status, 200);
    assert.deepEqual(answer.cleared, { data: true, journal: true, faults: true });
  });

  test('the ready line names the port and the API', () => {
    assert.match(mock.ready.url, /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    assert.equal(mock.ready.api, `${mock.ready.url}/v2`);
    assert.equal(mock.ready.pid, mock.pid);
  });

  test('lists users with a token and an account', async () => {
    const [status, page] = await mock.api('GET', '/users?per_page=2');
    assert.equal(status, 200);
    assert.equal(page.users.length, 2);
    assert.ok(page.total_entries >= 2);
  });

  test('an injected fault is answered, then removed by its id', async () => {
    const [status, fault] = await mock.admin('POST', '/faults', { path_prefix: '/v2/clients', status: 503 });
    assert.equal(status, 201);
    assert.equal(typeof fault.id, 'number');
    assert.equal((await mock.api('GET', '/clients'))[0], 503);
    assert.equal((await mock.api('GET', '/tasks'))[0], 200);
    const [, listed] = await mock.admin('GET', '/faults');
    assert.deepEqual(listed.faults.map((f) => f.id), [fault.id]);
    assert.equal((await mock.admin('DELETE', `/faults/${fault.id}`))[0], 200);
    assert.equal((await mock.api('GET', '/clients'))[0], 200);
    assert.deepEqual(await mock.admin('DELETE', `/faults/${fault.id}`), [404, { status: 404, error: 'Not Found' }]);
  });

  test('the journal shows what was sent', async () => {
    await mock.api('GET', '/users?per_page=1');
    await mock.api('POST', '/clients', { name: 'From Node' });
    await mock.api('GET', '/users/0');
    const query = new URLSearchParams({ path_prefix: '/v2/clients', method: 'POST' });
    const [status, journal] = await mock.admin('GET', `/requests?${query}`);
    assert.equal(status, 200);
    assert.equal(journal.count, 1);
    const [entry] = journal.requests;
    assert.equal(entry.status, 201);
    assert.equal(entry.account, '1');
    assert.deepEqual(JSON.parse(entry.body), { name: 'From Node' });
    assert.equal(entry.headers.authorization, '[redacted]');
    assert.equal(entry.headers['user-agent'], API_HEADERS['User-Agent']);
    assert.ok(entry.duration_ms >= 0 && entry.time.endsWith('Z'));
    const [, users] = await mock.admin('GET', '/requests?path_prefix=/v2/users&status=4xx');
    assert.deepEqual(users.requests.map((e) => [e.path, e.status]), [['/v2/users/0', 404]]);
  });
});

test('SIGTERM stops it with status 0', async () => {
  const mock = await startMock();
  assert.equal((await mock.api('GET', '/company'))[0], 200);
  const started = Date.now();
  assert.equal(await mock.stop(), 0);
  assert.ok(Date.now() - started < 10_000);
});
