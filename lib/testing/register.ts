import { productionMatchers } from './matchers';

export * from './index';

/**
 * Importing this module registers the matchers with jest's global `expect`: add
 * `import '@platform/cdk8s-production/testing'` to a test file, or list the module in
 * `setupFilesAfterEnv`.
 */
declare const expect: { extend(matchers: object): void } | undefined;
if (typeof expect !== 'undefined') {
  expect.extend(productionMatchers);
}
