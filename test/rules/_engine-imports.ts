export * from '../../lib/rules';
export { parseImage as parseImageForTest } from '../../lib/rules/containers';
