export * from './case-policy';
export * from './case-service';
export * from './alerts-service';
