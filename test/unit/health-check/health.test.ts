import http from 'node:http';
import net from 'node:net';
import {
  checkAll,
  interpretHealthResponse,
  versionCheck,
  waitHealthy,
  type HealthOptions
} from '../../../actions/lib/health.js';

describe('interpretHealthResponse', () => {
  it('reads the seed-002 JSON: status and per-component checks', () => {
    const r = interpretHealthResponse(
      200,
      JSON.stringify({
        status: 'healthy',
        version: '1.2.3',
        checks: { database: { status: 'pass', duration: 3 }, git: { status: 'pass', output: 'ok' } }
      })
    );
    expect(r).toEqual({
      status: 'healthy',
      httpStatus: 200,
      version: '1.2.3',
      checks: { database: { status: 'pass' }, git: { status: 'pass', output: 'ok' } },
      error: undefined
    });
  });

  it('a component warn makes a healthy answer degraded; a fail makes it unhealthy', () => {
    expect(interpretHealthResponse(200, '{"status":"healthy","checks":{"a":{"status":"warn"}}}').status).toBe(
      'degraded'
    );
    expect(interpretHealthResponse(200, '{"status":"healthy","checks":{"a":{"status":"fail"}}}').status).toBe(
      'unhealthy'
    );
    expect(interpretHealthResponse(200, '{"status":"degraded","checks":{}}').status).toBe('degraded');
  });

  it('a non-2xx answer is unhealthy whatever the body says', () => {
    const r = interpretHealthResponse(503, '{"status":"unhealthy","checks":{"self":{"status":"unhealthy"}}}');
    expect(r.status).toBe('unhealthy');
    expect(r.error).toBe('reported unhealthy (HTTP 503)');
    expect(interpretHealthResponse(500, '{"status":"healthy"}').status).toBe('unhealthy');
  });

  it('plain HTTP: 2xx healthy, anything else unhealthy', () => {
    expect(interpretHealthResponse(204, '').status).toBe('healthy');
    expect(interpretHealthResponse(200, 'OK').status).toBe('healthy');
    expect(interpretHealthResponse(404, 'nope')).toMatchObject({ status: 'unhealthy', error: 'HTTP 404' });
    expect(interpretHealthResponse(200, '{"other":1}').status).toBe('healthy');
  });
});

describe('versionCheck', () => {
  it('a different semver does not pass; a match or a non-semver is left alone', () => {
    const base = { status: 'healthy' as const, checks: {}, version: '1.0.0' };
    expect(versionCheck(base, '2.0.0')).toMatchObject({
      status: 'unhealthy',
      error: 'answers with version 1.0.0, expected 2.0.0'
    });
    expect(versionCheck(base, 'v1.0.0').status).toBe('healthy');
    expect(versionCheck(base, 'sha256:abc').status).toBe('healthy');
    expect(versionCheck({ ...base, version: 'abc123' }, '2.0.0').status).toBe('healthy');
  });
});

describe('waitHealthy against a real server', () => {
  let server: http.Server;
  let base: string;
  let hits: Record<string, number> = {};
  let blackhole: net.Server;
  let blackholeUrl: string;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const n = (hits[req.url ?? ''] = (hits[req.url ?? ''] ?? 0) + 1);
      const json = (code: number, body: object) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/flappy')
        return n < 3 ? json(503, { status: 'unhealthy' }) : json(200, { status: 'healthy' });
      if (req.url === '/degraded')
        return json(200, { status: 'degraded', checks: { db: { status: 'warn' } } });
      if (req.url === '/later-healthy')
        return n < 2 ? json(200, { status: 'degraded' }) : json(200, { status: 'healthy' });
      if (req.url === '/down') return json(503, { status: 'unhealthy' });
      res.end('plain ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    blackhole = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    blackholeUrl = `http://127.0.0.1:${(blackhole.address() as net.AddressInfo).port}/health`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => blackhole.close(resolve));
  });
  beforeEach(() => (hits = {}));

  const options: HealthOptions = {
    timeoutMs: 3000,
    intervalMs: 20,
    retries: 0,
    requestTimeoutMs: 500,
    degraded: 'accept'
  };

  it('polls until healthy', async () => {
    const r = await waitHealthy(`${base}/flappy`, options);
    expect(r).toMatchObject({ status: 'healthy', passed: true, attempts: 3 });
  });

  it('degraded: accept passes, fail stops at once, wait polls on', async () => {
    expect(await waitHealthy(`${base}/degraded`, options)).toMatchObject({
      status: 'degraded',
      passed: true,
      attempts: 1
    });
    expect(await waitHealthy(`${base}/degraded`, { ...options, degraded: 'fail' })).toMatchObject({
      status: 'degraded',
      passed: false,
      attempts: 1
    });
    expect(await waitHealthy(`${base}/later-healthy`, { ...options, degraded: 'wait' })).toMatchObject({
      status: 'healthy',
      passed: true,
      attempts: 2
    });
  });

  it('retries and the unhealthy threshold end the polling early', async () => {
    expect(await waitHealthy(`${base}/down`, { ...options, retries: 4 })).toMatchObject({
      passed: false,
      attempts: 4
    });
    expect(await waitHealthy(`${base}/down`, { ...options, unhealthyThreshold: 2 })).toMatchObject({
      passed: false,
      attempts: 2,
      error: 'reported unhealthy (HTTP 503)'
    });
  });

  it('a URL that never answers fails at the timeout with the reason', async () => {
    const r = await waitHealthy(blackholeUrl, { ...options, timeoutMs: 1200, requestTimeoutMs: 300 });
    expect(r.passed).toBe(false);
    expect(r.error).toMatch(/^no answer within \d+ ms$/);
    expect(r.elapsedMs).toBeLessThan(3000);
  });

  it('a refused connection names the cause; checkAll reports the worst status', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const all = await checkAll([`${base}/plain`, `http://127.0.0.1:${port}/`], { ...options, retries: 2 });
    expect(all.status).toBe('unhealthy');
    expect(all.passed).toBe(false);
    expect(all.results[0]).toMatchObject({ status: 'healthy', httpStatus: 200 });
    expect(all.results[1]).toMatchObject({ status: 'unhealthy', error: 'ECONNREFUSED' });
  });
});
