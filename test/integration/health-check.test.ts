/** The bundled health-check action against a real local HTTP server (seed-002 JSON, plain HTTP, a hung URL). */
import http from 'node:http';
import net from 'node:net';
import { failureMessage, runAction } from '../support/run-action.js';

let server: http.Server;
let base: string;
let hung: net.Server;
let hungUrl: string;
const sockets: net.Socket[] = [];
let starting = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const json = (code: number, body: object) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.url === '/starting') {
      starting++;
      return starting < 3
        ? json(503, { status: 'unhealthy', checks: { database: { status: 'fail', output: 'connecting' } } })
        : json(200, { status: 'healthy', checks: { database: { status: 'pass' }, git: { status: 'pass' } } });
    }
    if (req.url === '/degraded')
      return json(200, { status: 'degraded', checks: { mcp_server: { status: 'warn', output: 'slow' } } });
    if (req.url === '/plain') return res.end('ok');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  hung = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  hungUrl = `http://127.0.0.1:${(hung.address() as net.AddressInfo).port}/health`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => hung.close(resolve));
});

it('polls until healthy and reports every component', async () => {
  const run = await runAction('health-check', {
    // the retired spellings still work, each with a deprecation warning naming the new one
    inputs: { urls: `${base}/starting, ${base}/plain`, 'interval-ms': 100, 'timeout-seconds': 10 }
  });
  expect(failureMessage(run)).toBe('');
  expect(run.annotations.filter((a) => a.level === 'warning').map((a) => a.message)).toEqual(
    expect.arrayContaining([
      "Input 'timeout-seconds' is deprecated: write timeout: 10s",
      "Input 'interval-ms' is deprecated: write interval: 100ms"
    ])
  );
  expect(run.outputs.status).toBe('healthy');
  expect(run.outputs.passed).toBe('true');
  const details = JSON.parse(run.outputs.details!) as Array<Record<string, unknown>>;
  expect(details[0]).toMatchObject({
    url: `${base}/starting`,
    status: 'healthy',
    attempts: 3,
    checks: { database: { status: 'pass' }, git: { status: 'pass' } }
  });
  expect(details[1]).toMatchObject({ url: `${base}/plain`, status: 'healthy', httpStatus: 200, checks: {} });
  expect(run.summary).toContain('database');
  expect(run.summary).toContain('Health: healthy');
});

it('degraded: accepted with a warning by default, a failure under degraded: fail', async () => {
  const accepted = await runAction('health-check', {
    inputs: { urls: `${base}/degraded`, interval: '50ms' }
  });
  expect(accepted.exitCode).toBe(0);
  expect(accepted.outputs.status).toBe('degraded');
  expect(accepted.annotations.find((a) => a.level === 'warning')?.message).toContain('is degraded');
  const failed = await runAction('health-check', {
    inputs: { urls: `${base}/degraded`, degraded: 'fail', interval: '50ms' }
  });
  expect(failed.exitCode).toBe(1);
  expect(failed.outputs.passed).toBe('false');
  expect(failureMessage(failed)).toContain(`${base}/degraded is degraded after 1 attempt(s)`);
});

it('a URL that never answers fails at the timeout, naming it', async () => {
  const run = await runAction('health-check', {
    inputs: { urls: hungUrl, timeout: '2s', interval: '200ms', 'request-timeout': '400ms' }
  });
  expect(run.exitCode).toBe(1);
  expect(run.outputs.status).toBe('unhealthy');
  expect(failureMessage(run)).toMatch(
    new RegExp(
      `^Health check failed: ${hungUrl} is unhealthy after \\d+ attempt\\(s\\) \\(no answer within \\d+ ms\\)$`
    )
  );
});

it('fail-on-unhealthy: false only sets the outputs; bad inputs name the input', async () => {
  const run = await runAction('health-check', {
    inputs: { urls: `${base}/missing`, retries: 2, interval: '50ms', 'fail-on-unhealthy': false }
  });
  expect(run.exitCode).toBe(0);
  expect(run.outputs.status).toBe('unhealthy');
  const bad = await runAction('health-check', { inputs: { urls: 'example.com/health' } });
  expect(failureMessage(bad)).toBe(
    "Input 'urls': 'example.com/health' is not an http(s) URL; give full URLs like https://host/health"
  );
  const policy = await runAction('health-check', { inputs: { urls: `${base}/plain`, degraded: 'maybe' } });
  expect(failureMessage(policy)).toBe("Input 'degraded' must be one of accept, fail, wait, got 'maybe'");
});
