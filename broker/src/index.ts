export * from './create-broker';
export * from './device-access';
export * from './listeners';
export * from './aedes-bus';
export * from './mqtt-bus';
export * from './service-credentials';
export * from './revoked-sessions';
