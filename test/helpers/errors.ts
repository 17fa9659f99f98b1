/**
 * The message of the error `fn` throws, for tests that assert the text of an error.
 *
 * Fails the test when `fn` throws nothing.
 */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, none was thrown');
}
