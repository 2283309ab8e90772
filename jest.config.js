// Jest runs the TypeScript sources as ESM (ts-jest); integration tests spawn the bundled dist/ actions.
const tsJest = ['ts-jest', { useESM: true, diagnostics: false, tsconfig: 'tsconfig.json' }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node'
};
export default {
  // Suites run in 3 workers on this 2-core machine: the long integration suites (local pipeline, deploy faults,
  // deploy, canary, build) mostly wait on dockerd, the registry and health checks rather than compute, and run in
  // parallel as separate processes (every suite names its images, compose projects and ports uniquely).
  // SLIPWAY_JEST_WORKERS overrides (1 = one suite at a time).
  maxWorkers: Number(process.env.SLIPWAY_JEST_WORKERS ?? 3),
  // integration tests build and push real images; a unit test never gets near this
  testTimeout: 180_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      slowTestThreshold: 60
    }
  ]
};
