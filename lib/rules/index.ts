export * from './types';
export * from './rule';
export * from './context';
export * from './engine';
export * from './format';
export { EXEMPT_PREFIX, EXEMPTION_REASON_ANNOTATION, PROFILE_ANNOTATION } from './exemptions';
export * from './config';
