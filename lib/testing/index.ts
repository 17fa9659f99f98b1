export * from './manifests';
export * from './matchers';
