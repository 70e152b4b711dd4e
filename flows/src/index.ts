export * from './node-red-settings';
