export * from './app';
export * from './web-server';
export * from './web-deps';
export * from './route-actions';
