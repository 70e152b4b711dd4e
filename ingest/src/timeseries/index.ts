export * from './time-series-store';
export { createEmbeddedStore } from './embedded-store';
export { createInfluxStore, type InfluxStoreOptions } from './influx-store';
