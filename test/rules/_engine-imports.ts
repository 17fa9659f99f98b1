export * from '../../lib/rules';
