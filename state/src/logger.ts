import { pino, type Logger } from 'pino';

export type { Logger };

/** One structured (JSON) logger for every service; `service` tells whose line it is. */
export function createLogger(options: { level: string; service?: string }): Logger {
  return pino({ level: options.level, base: options.service ? { service: options.service } : {} });
}
