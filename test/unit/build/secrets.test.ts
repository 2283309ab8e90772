import { buildSecrets, secretLines, sshFlags } from '../../../actions/build/secrets.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';

const none = { secrets: '', secretFiles: '', secretEnvs: '', env: {}, resolveFile: () => undefined };

describe('secretLines (build-push-action list reading)', () => {
  it('reads one id=value a line; a quoted entry may span lines and hold commas and quotes', () => {
    expect(
      secretLines(
        'GIT_AUTH_TOKEN=abcdefghi,jklmno=0123456789\n"MYSECRET=aaaa\nbbbb"\n# comment\nFOO=bar\n"JSON={""k"":""v""}"\n',
        'secrets'
      )
    ).toEqual([
      'GIT_AUTH_TOKEN=abcdefghi,jklmno=0123456789',
      'MYSECRET=aaaa\nbbbb',
      'FOO=bar',
      'JSON={"k":"v"}'
    ]);
  });
});

describe('buildSecrets', () => {
  it('hands a secrets value to buildx through an environment variable, never the command line', () => {
    const result = buildSecrets({ ...none, secrets: 'npm_token=s3cr3t=x,y' });
    expect(result.flags).toEqual(['id=npm_token,env=SLIPWAY_BUILD_SECRET_0']);
    expect(result.env).toEqual({ SLIPWAY_BUILD_SECRET_0: 's3cr3t=x,y' });
    expect(result.values).toEqual(['s3cr3t=x,y']);
    expect(result.flags.join(' ')).not.toContain('s3cr3t');
  });

  it('secret-files become src=, secret-envs become env=, each checked', () => {
    const result = buildSecrets({
      ...none,
      secretFiles: 'netrc=./.netrc',
      secretEnvs: 'tok=MY_TOKEN',
      env: { MY_TOKEN: 'abc' },
      resolveFile: (f) => (f === './.netrc' ? '/w/.netrc' : undefined)
    });
    expect(result.flags).toEqual(['id=netrc,src=/w/.netrc', 'id=tok,env=MY_TOKEN']);
    expect(result.values).toEqual(['abc']);
  });

  it.each([
    [{ secrets: 'novalue' }, /Input 'secrets': entry without id is not id=value/],
    [{ secrets: 'a/b=x' }, /secret id 'a\/b'/],
    [{ secrets: 'a=1\na=2' }, /'a' is given twice/],
    [{ secretFiles: 'f=missing.txt' }, /Input 'secret-files': 'missing.txt' \(secret 'f'\) is not a file/],
    [{ secretEnvs: 'e=UNSET_VAR_X' }, /Input 'secret-envs': environment variable UNSET_VAR_X/],
    [{ secretEnvs: 'e=not-a-name' }, /is not a variable name/]
  ])('refuses %p naming the input', (bad, message) => {
    expect(() => buildSecrets({ ...none, ...bad })).toThrow(ConfigurationError);
    expect(() => buildSecrets({ ...none, ...bad })).toThrow(message);
  });

  it('never echoes a secrets value in an error', () => {
    expect(() => buildSecrets({ ...none, secrets: 'topsecretvalue' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('topsecretvalue') })
    );
  });
});

describe('sshFlags', () => {
  const resolvePath = (p: string) => (p === 'key' ? '/w/key' : undefined);
  it('accepts default with an agent and id=path with existing paths', () => {
    expect(sshFlags(['default', 'gh=key'], { env: { SSH_AUTH_SOCK: '/s' }, resolvePath })).toEqual([
      'default',
      'gh=/w/key'
    ]);
  });
  it.each([
    [['default'], {}, /SSH_AUTH_SOCK is not set/],
    [['gh=nokey'], { SSH_AUTH_SOCK: '/s' }, /'nokey' \(ssh id 'gh'\) does not exist/],
    [['gh'], { SSH_AUTH_SOCK: '/s' }, /names no socket or key/],
    [['bad id=key'], {}, /is not 'default' or id=path/]
  ])('refuses %p', (lines, env, message) => {
    expect(() => sshFlags(lines, { env, resolvePath })).toThrow(message);
  });
});
