// Local fake of GitHub's REST API for tests; requests and responses are validated against GitHub's OpenAPI
// description (@octokit/openapi). See server.ts for the route table.
export { startGitHubFake, matchRoute, unknownRoutes, ROUTES, API_VERSION } from './server.js';
export type {
  Fault,
  GitHubFake,
  GitHubFakeOptions,
  Handler,
  HandlerContext,
  HandlerResult,
  Permission,
  RecordedRequest
} from './server.js';
export {
  addPackage,
  addRepo,
  createState,
  digestOf,
  ensureAccount,
  findPackage,
  findRepo,
  makeVersions,
  resolveSha
} from './state.js';
export type {
  FakeAccount,
  FakeDeployment,
  FakeDeploymentStatus,
  FakeEnvironment,
  FakePackage,
  FakePackageVersion,
  FakeReleaseAsset,
  FakeRelease,
  FakeRepo,
  FakeSarifUpload,
  FakeState,
  PackageSource,
  PackageType
} from './state.js';
export { getComponentValidator, getOperation, loadSpec, openApiTimings } from './openapi.js';
