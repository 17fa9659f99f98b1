export * from './profile';
export * from './app/app-probe';
export * from './app/app-size';
export * from './app/network-peer';
export * from './app/production-app';
export * from './app/priority-classes';
