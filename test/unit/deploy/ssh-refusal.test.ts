/**
 * What ssh says when a deploy's `docker-host: ssh://…` is refused (stderr as Docker's CLI passes it on, shapes as
 * OpenSSH 9.2 prints them; the integration test deploy-ssh.test.ts produces the host key case for real).
 */
import { sshRefusal } from '../../../actions/deploy/compose.js';

const dockerPrefix =
  'error during connect: Get "http://docker.example.com/v1.41/version": command [ssh -o ConnectTimeout=30 -T ' +
  '-l root -p 2222 -- 127.0.0.1 docker system dial-stdio] has exited with exit status 255, make sure the URL is ' +
  'valid, and Docker 18.09 or later is installed on the remote host: stderr=';

it('names known_hosts, the docker-host input and the out-of-band fix for a host key that does not match', () => {
  const stderr =
    dockerPrefix +
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n' +
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\n' +
    'Offending ED25519 key in /home/runner/.ssh/known_hosts:1\nHost key verification failed.\n';
  const hint = sshRefusal(stderr);
  expect(hint).toContain("does not match the job's ~/.ssh/known_hosts for the 'docker-host' input");
  expect(hint).toContain('never scanned in the job');
  // an unknown host under StrictHostKeyChecking yes is the same fix
  expect(
    sshRefusal(
      `${dockerPrefix}No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.`
    )
  ).toBe(hint);
});

it('names the key files for a refused client key, and nothing for other failures', () => {
  expect(sshRefusal(`${dockerPrefix}root@127.0.0.1: Permission denied (publickey).`)).toMatch(
    /~\/\.ssh\/id_ed25519 .* ~\/\.ssh\/authorized_keys/
  );
  expect(
    sshRefusal('Cannot connect to the Docker daemon at tcp://127.0.0.1:1. Is the docker daemon running?')
  ).toBe(undefined);
});
