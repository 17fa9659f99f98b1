/** Jest runs the TypeScript sources directly; `tsc` (npm run compile) does the type-checking. */
module.exports = {
  roots: ['<rootDir>/test'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  moduleNameMapper: {
    '^@platform/cdk8s-production$': '<rootDir>/lib/index.ts',
    '^@platform/cdk8s-production/testing$': '<rootDir>/lib/testing/register.ts',
  },
  testEnvironment: 'node',
};
