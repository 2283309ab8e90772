/**
 * Fault injection for the deploy tests: a forwarder that stands between the deploy action and a real service
 * (the Docker daemon's unix socket, or the registry's TCP port) and can lose or hang the connection on cue.
 *
 * - `down()` / `up()`: every connection is cut at once and new ones are closed on arrival (a host that went away).
 * - `hangOn(pattern)`: from the first HTTP request line matching `pattern` on, nothing is forwarded any more in
 *   either direction and new connections are accepted and left unanswered (a hung host).
 * - `downOn(pattern)`: like `down()`, from the first request line matching `pattern` (e.g. compose's first
 *   container request: "lost before up").
 * - `downWhen(file)`: down while `file` exists (a shell command of the deploy config can `touch` it at the exact
 *   moment the test needs, e.g. in the proxy reload: "lost after the switch").
 * Started and closed by the test (no process of its own).
 */
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';

export interface FaultProxy {
  /** unix socket path or "127.0.0.1:<port>" */
  address: string;
  down(): void;
  up(): void;
  hangOn(pattern: RegExp): void;
  downOn(pattern: RegExp): void;
  downWhen(file: string | undefined): void;
  /** the request lines seen (method and path), for the test's own checks */
  requests: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(
  listen: { path: string } | { port: 0 },
  upstream: { path: string } | { host: string; port: number }
): Promise<FaultProxy> {
  const sockets = new Set<net.Socket>();
  let isDown = false;
  let hanging = false;
  let hangPattern: RegExp | undefined;
  let downPattern: RegExp | undefined;
  let downFile: string | undefined;
  const requests: string[] = [];
  const cutAll = (): void => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  const downNow = (): boolean => isDown || (downFile !== undefined && existsSync(downFile));

  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    if (downNow()) {
      client.destroy();
      return;
    }
    if (hanging) return; // accepted, never answered
    const server = net.connect(upstream as net.NetConnectOpts);
    sockets.add(server);
    server.on('close', () => {
      sockets.delete(server);
      if (!hanging) client.destroy();
    });
    server.on('error', () => client.destroy());
    client.on('close', () => {
      if (!hanging) server.destroy();
    });
    client.on('data', (chunk: Buffer) => {
      if (hanging) return;
      if (downNow()) {
        cutAll();
        return;
      }
      for (const m of chunk
        .toString('latin1')
        .matchAll(/^(GET|POST|PUT|DELETE|HEAD) (\S+) HTTP\/1\.[01]/gm)) {
        const line = `${m[1]} ${m[2]}`;
        requests.push(line);
        if (hangPattern?.test(line)) {
          hanging = true;
          return;
        }
        if (downPattern?.test(line)) {
          isDown = true;
          cutAll();
          return;
        }
      }
      server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      if (!hanging) client.write(chunk);
    });
  });
  if ('path' in listen) rmSync(listen.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('path' in listen) server.listen(listen.path, resolve);
    else server.listen(0, '127.0.0.1', resolve);
  });
  const address = 'path' in listen ? listen.path : `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return {
    address,
    requests,
    down() {
      isDown = true;
      cutAll();
    },
    up() {
      isDown = false;
      hanging = false;
      hangPattern = undefined;
      downPattern = undefined;
      downFile = undefined;
      cutAll();
    },
    hangOn(pattern) {
      hangPattern = pattern;
    },
    downOn(pattern) {
      downPattern = pattern;
    },
    downWhen(file) {
      downFile = file;
    },
    async close() {
      cutAll();
      await new Promise((resolve) => server.close(resolve));
    }
  };
}
