export * from './ingest-pipeline';
export * from './ingest-service';
export * from './rule-engine';
export * from './reject-counter';
export * from './write-batcher';
export * from './external-subscriber';
export * from './timeseries';
export * from './open-store';
