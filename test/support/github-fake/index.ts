// Local fake of GitHub's REST API for tests; requests and responses are validated against GitHub's OpenAPI
// description (@octokit/openapi). See server.ts for the route table.
export { startGitHubFake, unknownRoutes } from './server.js';
export type { GitHubFake } from './server.js';
export { addPackage, addRepo, ensureAccount, makeVersions } from './state.js';
export type { FakePackageVersion, FakeState } from './state.js';
export { getComponentValidator, openApiTimings } from './openapi.js';
