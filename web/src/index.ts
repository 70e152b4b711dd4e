export * from './app';
export * from './web-server';
export * from './web-deps';
export * from './route-actions';
export { decodeBase32 } from './auth/base32';
export { totpCode, totpStep, TOTP_TOLERANCE_STEPS } from './auth/totp';
export { TOTP_REQUIRED_ROLES, totpRequiredFor } from './auth/second-factor';
export { mosquittoAuthSync, type MosquittoAuthSync } from './mosquitto-auth-sync';
export { emqxAuthSettings, type EmqxAuthSettings } from './routes/mqtt-auth.routes';
