/**
 * A real OpenSSH server in front of the TARGET dockerd, so a deploy's `docker-host: ssh://…` goes through the
 * transport Docker documents: for an `ssh://` host the docker CLI runs `ssh … docker system dial-stdio` and talks
 * the Engine API over that session's stdio
 * (https://docs.docker.com/engine/security/protect-access/#use-ssh-to-protect-the-docker-daemon-socket).
 *
 * The server (`/usr/sbin/sshd -D -e`, Debian's openssh-server from scripts/install-tools.sh) runs as a child
 * process on a free loopback port with everything of its own in a temp dir: host key, authorized keys, config,
 * pid file. It accepts only the client key made here (no password), and its sessions get
 * `DOCKER_HOST=<target socket>` through sshd_config's `SetEnv` (OpenSSH ≥ 8.7; "Specifies one or more environment
 * variables to set in child sessions started by sshd(8)", https://man.openbsd.org/sshd_config#SetEnv), so the
 * remote `docker system dial-stdio` reaches the target dockerd, not this machine's own one.
 *
 * The runner side is what docs/deploy.md tells users to write in the job: `~/.ssh/id_ed25519`,
 * `~/.ssh/known_hosts` with the host key pinned, `~/.ssh/config` with `StrictHostKeyChecking yes`.
 * OpenSSH reads `~` from the account's passwd entry, not from $HOME (checked here: `HOME=/x ssh -G host` still
 * names /root/.ssh/known_hosts). On GitHub's runner both are the runner user's home; here every runner gets a
 * fresh HOME while the tests run as root, so `runnerSshEnv` gives the action's process tree a passwd entry whose
 * home IS that fresh HOME, with nss_wrapper (Samba's NSS test library, Debian's libnss-wrapper: LD_PRELOAD +
 * NSS_WRAPPER_PASSWD/GROUP). Nothing else of ssh or docker is replaced, and /root/.ssh is never touched.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './net.js';

export const SSHD = '/usr/sbin/sshd';
/** Debian's libnss-wrapper (found by the dynamic linker's search path) */
export const NSS_WRAPPER = 'libnss_wrapper.so';

export interface Sshd {
  port: number;
  /** `ssh://root@127.0.0.1:<port>`: the `docker-host` input */
  dockerHost: string;
  /** the host key's known_hosts line, pinned as users are told to: `[127.0.0.1]:<port> ssh-ed25519 …` */
  knownHostsLine: string;
  /** the client's private key (OpenSSH format), what users put in the DEPLOY_SSH_KEY secret */
  clientKey: string;
  /** what sshd printed (-e: its log goes to stderr) */
  log(): string;
  stop(): Promise<void>;
}

function keygen(file: string, comment: string): { privateKey: string; publicKey: string } {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file], {
    stdio: ['ignore', 'pipe', 'pipe']
  });
  return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
}

async function listening(
  port: number,
  child: ChildProcess,
  log: () => string,
  timeoutMs: number
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`sshd exited (${child.exitCode}) before listening:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`sshd did not listen on 127.0.0.1:${port} in ${timeoutMs} ms:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Starts sshd on a free loopback port whose sessions' DOCKER_HOST is `targetDockerHost`. */
export async function startSshd(targetDockerHost: string): Promise<Sshd> {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing: run scripts/install-tools.sh (it installs openssh-server)`);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'slipway-sshd-'));
  const host = keygen(path.join(dir, 'ssh_host_ed25519_key'), 'slipway-test-host');
  const client = keygen(path.join(dir, 'client_ed25519'), 'slipway-test-deploy');
  const authorizedKeys = path.join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, `${client.publicKey}\n`, { mode: 0o600 });
  // sshd's privilege separation directory (what the package's service unit creates: RuntimeDirectory=sshd)
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const port = await freePort();
  const pidFile = path.join(dir, 'sshd.pid');
  const config = path.join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress 127.0.0.1`,
      `HostKey ${path.join(dir, 'ssh_host_ed25519_key')}`,
      `PidFile ${pidFile}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      // the keys live in a temp dir under the world-writable /tmp, which StrictModes' walk up the path refuses;
      // the dir itself is 0700 and root's, the files 0600
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      // the remote `docker system dial-stdio` talks to the target dockerd (docker reads DOCKER_HOST)
      `SetEnv DOCKER_HOST=${targetDockerHost}`,
      ''
    ].join('\n')
  );
  // The remote account (root, as `PermitRootLogin prohibit-password` allows) gets /bin/sh and the temp dir as its
  // home in sshd's view (nss_wrapper again, for sshd's own passwd lookups): this machine's root runs a bash whose
  // ~/.bashrc (sourced by bash for sshd sessions) starts pyenv, seconds per session on the busy machine, which a
  // deploy account on a Docker host has no reason to. The session's environment is built by sshd, so the wrapper
  // does not reach the remote `docker system dial-stdio`.
  // (sshd's privilege separation user is looked up the same way: the system's entry, copied)
  const privsep = execFileSync('getent', ['passwd', 'sshd'], { encoding: 'utf8' }).trim();
  const privsepGroup = execFileSync('getent', ['group', privsep.split(':')[3] as string], {
    encoding: 'utf8'
  }).trim();
  writeFileSync(path.join(dir, 'passwd'), `root:x:0:0:root:${dir}:/bin/sh\n${privsep}\n`);
  writeFileSync(path.join(dir, 'group'), `root:x:0:\n${privsepGroup}\n`);
  let output = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', config, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      LD_PRELOAD: NSS_WRAPPER,
      NSS_WRAPPER_PASSWD: path.join(dir, 'passwd'),
      NSS_WRAPPER_GROUP: path.join(dir, 'group')
    }
  });
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const log = () => output;
  // sshd starts in well under a second; 30 s covers a busy 2-core machine
  await listening(port, child, log, 30_000);
  const hostKeyFields = host.publicKey.split(/\s+/);
  return {
    port,
    dockerHost: `ssh://root@127.0.0.1:${port}`,
    // known_hosts(5) writes a non-default port as [host]:port (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT)
    knownHostsLine: `[127.0.0.1]:${port} ${hostKeyFields[0]} ${hostKeyFields[1]}`,
    clientKey: client.privateKey,
    log,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/**
 * The job step docs/deploy.md shows ("ssh to the environment's Docker host"), done in a fresh runner HOME:
 * `~/.ssh` 0700, the key 0600, known_hosts and `StrictHostKeyChecking yes`. Returns the environment the action
 * runs with so that OpenSSH's `~` is that HOME (see the module comment: nss_wrapper gives the running uid a passwd
 * entry whose home is `home`).
 */
export function runnerSshEnv(home: string, clientKey: string, knownHosts: string): Record<string, string> {
  const ssh = path.join(home, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  chmodSync(ssh, 0o700);
  writeFileSync(path.join(ssh, 'id_ed25519'), clientKey.endsWith('\n') ? clientKey : `${clientKey}\n`, {
    mode: 0o600
  });
  writeFileSync(path.join(ssh, 'known_hosts'), `${knownHosts}\n`);
  writeFileSync(path.join(ssh, 'config'), 'Host *\n  StrictHostKeyChecking yes\n');
  // next to HOME in the runner's dir (not inside it: nothing of the test's own in the user's HOME)
  const nss = mkdtempSync(path.join(path.dirname(home), 'nss-'));
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const user = os.userInfo().username;
  writeFileSync(path.join(nss, 'passwd'), `${user}:x:${uid}:${gid}:${user}:${home}:/bin/sh\n`);
  writeFileSync(path.join(nss, 'group'), `${user}:x:${gid}:\n`);
  return {
    HOME: home,
    LD_PRELOAD: NSS_WRAPPER,
    NSS_WRAPPER_PASSWD: path.join(nss, 'passwd'),
    NSS_WRAPPER_GROUP: path.join(nss, 'group')
  };
}
