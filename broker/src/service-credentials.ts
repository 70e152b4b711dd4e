import type { Config } from '@gridsense/core';
import { SERVICE_USERNAME } from './device-access';

/**
 * How a GridSense service logs in to the broker: the configured MQTT_USERNAME/PASSWORD, or else
 * the service account of GridSense's own broker with the secret both read from the state database.
 */
export function serviceCredentials(
  config: Config,
  storedServiceSecret: string,
): { username: string; password: string } {
  return config.mqttUsername
    ? { username: config.mqttUsername, password: config.mqttPassword ?? '' }
    : { username: SERVICE_USERNAME, password: storedServiceSecret };
}
