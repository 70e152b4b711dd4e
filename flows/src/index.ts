export * from './node-red-settings';
export * from './node-red-protocol';
export * from './line-channel';
export * from './flow-diff';
export * from './flow-platform';
export * from './build-nodes';
export * from './example-flows';
