/** build: `network: host` on a builder without the network.host entitlement fails before anything is built. */
import { describe, expect, test } from '@jest/globals';
import { checkNetworkEntitlement, networkHostHint } from '../../../actions/build/network.js';
import { ConfigurationError } from '../../../actions/lib/errors.js';

const containerNoFlag = 'Name: b\nDriver: docker-container\nNodes:\nName: b0\nBuildKit version: v0.12.5\n';
const containerWithFlag =
  'Name: b\nDriver: docker-container\nNodes:\nName: b0\nBuildKit daemon flags: --allow-insecure-entitlement=network.host\n';

describe('checkNetworkEntitlement', () => {
  test('refuses host networking on a container builder that does not allow network.host, naming the fix', () => {
    const error = (() => {
      try {
        checkNetworkEntitlement('host', 'docker-container', containerNoFlag, 'b');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(
      /Input 'network' is host, but the buildx builder 'b' \(driver docker-container\) does not allow the network\.host entitlement/
    );
    expect((error as Error).message).toContain('buildkitd-flags: --allow-insecure-entitlement network.host');
  });

  test('accepts it where the builder allows it, on the docker driver, and any other network', () => {
    expect(() => checkNetworkEntitlement('host', 'docker-container', containerWithFlag)).not.toThrow();
    expect(() => checkNetworkEntitlement('host', 'docker', 'Driver: docker\n')).not.toThrow();
    expect(() => checkNetworkEntitlement(undefined, 'docker-container', containerNoFlag)).not.toThrow();
    expect(() => checkNetworkEntitlement('none', 'docker-container', containerNoFlag)).not.toThrow();
  });

  test("the daemon's late refusal gets the same fix", () => {
    expect(
      networkHostHint(
        'ERROR: failed to solve: granting entitlement network.host is not allowed by build daemon configuration'
      )
    ).toMatch(/refuses the network\.host entitlement: create the builder/);
    expect(networkHostHint('failed to solve: something else')).toBeUndefined();
  });
});
