export * from './production-readiness-validation';
