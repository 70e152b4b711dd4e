import type { Bus, Config } from '@gridsense/core';
import { connectMqttBus } from './mqtt-bus';
import { servicePassword, serviceUsername, type ServiceRole } from './service-accounts';

/**
 * How a GridSense service logs in to the broker: the configured MQTT_USERNAME/PASSWORD, or else
 * its role's account (service-accounts.ts), whose password derives from the secret every service
 * reads from the state database.
 */
export function serviceCredentials(
  config: Config,
  storedServiceSecret: string,
  role: ServiceRole = 'services',
): { username: string; password: string } {
  return config.mqttUsername
    ? { username: config.mqttUsername, password: config.mqttPassword ?? '' }
    : { username: serviceUsername(role), password: servicePassword(role, storedServiceSecret) };
}

/** The bus a service run on its own uses: MQTT_URL with the service's credentials. */
export function connectServiceBus(options: {
  config: Config & { mqttUrl: string };
  serviceSecret: string;
  clientId: string;
  role?: ServiceRole;
  onError: (error: unknown) => void;
}): Promise<Bus> {
  return connectMqttBus({
    url: options.config.mqttUrl,
    fallbackUrls: options.config.mqttFailoverUrls,
    clientId: options.clientId,
    ...serviceCredentials(options.config, options.serviceSecret, options.role),
    onError: options.onError,
  });
}
