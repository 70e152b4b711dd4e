import type { Bus, Config } from '@gridsense/core';
import { connectMqttBus } from './mqtt-bus';
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

/** The bus a service run on its own uses: MQTT_URL with the service's credentials. */
export function connectServiceBus(options: {
  config: Config & { mqttUrl: string };
  serviceSecret: string;
  clientId: string;
  onError: (error: unknown) => void;
}): Promise<Bus> {
  return connectMqttBus({
    url: options.config.mqttUrl,
    clientId: options.clientId,
    ...serviceCredentials(options.config, options.serviceSecret),
    onError: options.onError,
  });
}
