import { TELEMETRY } from './influx-line-protocol';

export interface RawSeries {
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
export interface RawResult {
  series?: RawSeries[];
  error?: string;
}
export type Row = Record<string, unknown>;

/** Runs InfluxQL statements in one request; one result per statement, or throws the first error. */
export type InfluxQuery = (statements: string[]) => Promise<RawResult[]>;

/** What is known of the telemetry fields: their names, and which hold booleans. */
export interface FieldCatalog {
  /** Reloads the field keys; returns the metric names (every field but `seq`). */
  load(): Promise<string[]>;
  has(name: string): boolean;
  isBoolean(name: string): boolean;
}

export function createFieldCatalog(query: InfluxQuery): FieldCatalog {
  const known = new Set<string>();
  const booleans = new Set<string>();
  return {
    async load() {
      const [result] = await query([`SHOW FIELD KEYS FROM ${TELEMETRY}`]);
      for (const row of rowsOf(result)) {
        const name = String(row.fieldKey);
        known.add(name);
        if (row.fieldType === 'boolean') booleans.add(name);
      }
      return [...known].filter((name) => name !== 'seq');
    },
    has: (name) => known.has(name),
    isBoolean: (name) => booleans.has(name),
  };
}

export function rowsOf(result: RawResult | undefined): Row[] {
  return (result?.series ?? []).flatMap((series) =>
    series.values.map((values) => {
      const row: Row = { ...series.tags };
      series.columns.forEach((column, i) => (row[column] = values[i]));
      return row;
    }),
  );
}

/** A number, or a boolean as 1/0; anything else (null: no value) is undefined. */
export function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' || typeof value === 'boolean' ? Number(value) : undefined;
}

/** `"device_id" = 'x'` for one device, a regex alternation for several (InfluxQL has no IN). */
export function devicesClause(deviceIds: readonly string[]): string {
  if (deviceIds.length === 1) return `"device_id" = ${quoteString(deviceIds[0]!)}`;
  return `"device_id" =~ /^(?:${deviceIds.map(escapeRegexId).join('|')})$/`;
}

/** `time >= from AND time < until`, epoch ms. */
export function timeClause(from: number, until: number): string {
  return `time >= ${Math.trunc(from)}ms AND time < ${Math.trunc(until)}ms`;
}

/** A device id inside a regex literal (ids are [A-Za-z0-9_-]; anything else is escaped anyway). */
function escapeRegexId(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, (c) => `\\${c}`);
}

/** An InfluxQL string literal; the client's escape.stringLit leaves backslashes alone. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
