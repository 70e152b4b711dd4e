export * from './node-red-settings';
export * from './flow-platform';
export * from './build-nodes';
export * from './example-flows';
