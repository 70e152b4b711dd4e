/** The part of the shared pino logger ingest uses (structured first argument, message second). */
export interface IngestLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** For tests and tools that want no log lines. */
export const silentLog: IngestLog = { info: () => {}, warn: () => {}, error: () => {} };
