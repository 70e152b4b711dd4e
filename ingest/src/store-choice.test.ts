import { describe, expect, it } from 'vitest';
import {
  configuredStore,
  influxLocation,
  type RememberedStore,
  type StoreIdentity,
} from './remembered-store';
import { chooseStore } from './store-choice';

const EMBEDDED: StoreIdentity = { kind: 'embedded' };
const INFLUX: StoreIdentity = { kind: 'influx', url: 'http://influx-a:8086', database: 'gridsense' };
const OTHER_URL: StoreIdentity = { ...INFLUX, url: 'http://influx-b:8086' };
const OTHER_DATABASE: StoreIdentity = { ...INFLUX, database: 'gs2' };
const since = '2026-01-01T00:00:00.000Z';
const remember = (store: StoreIdentity): RememberedStore => ({ ...store, since });

describe('chooseStore', () => {
  it.each<[string, RememberedStore | undefined, StoreIdentity, boolean, string]>([
    ['first start, embedded', undefined, EMBEDDED, false, 'first'],
    ['first start, InfluxDB', undefined, INFLUX, false, 'first'],
    ['same embedded store', remember(EMBEDDED), EMBEDDED, false, 'same'],
    ['same InfluxDB database', remember(INFLUX), INFLUX, false, 'same'],
    ['same store, move still confirmed', remember(INFLUX), INFLUX, true, 'same'],
    ['InfluxDB → embedded', remember(INFLUX), EMBEDDED, false, 'refuse'],
    ['embedded → InfluxDB', remember(EMBEDDED), INFLUX, false, 'refuse'],
    ['another InfluxDB server', remember(INFLUX), OTHER_URL, false, 'refuse'],
    ['another database on the same server', remember(INFLUX), OTHER_DATABASE, false, 'refuse'],
    ['InfluxDB → embedded, confirmed', remember(INFLUX), EMBEDDED, true, 'move'],
    ['embedded → InfluxDB, confirmed', remember(EMBEDDED), INFLUX, true, 'move'],
  ])('%s → %s', (_name, remembered, configured, moveConfirmed, verdict) => {
    expect(chooseStore({ remembered, configured, moveConfirmed, dataDir: '/srv/gs' }).verdict).toBe(verdict);
  });

  it('names both stores in a refusal, and the ways on', () => {
    const influxToEmbedded = chooseStore({
      remembered: remember(INFLUX),
      configured: EMBEDDED,
      moveConfirmed: false,
      dataDir: '/srv/gs',
    });
    expect(influxToEmbedded).toMatchObject({ verdict: 'refuse' });
    const message = influxToEmbedded.verdict === 'refuse' ? influxToEmbedded.message : '';
    expect(message).toContain(
      'serves InfluxDB at http://influx-a:8086, database "gridsense" since 2026-01-01',
    );
    expect(message).toContain('settings now name the embedded store (/srv/gs/timeseries.db)');
    expect(message).toContain('Start with INFLUX_URL=http://influx-a:8086 INFLUX_DATABASE=gridsense');
    expect(message).toContain('npm run migrate:readings -- --from influx --to embedded');
    expect(message).toContain('GRIDSENSE_TIMESERIES_MOVE=confirm');

    const back = chooseStore({
      remembered: remember(EMBEDDED),
      configured: OTHER_DATABASE,
      moveConfirmed: false,
      dataDir: '/srv/gs',
    });
    const text = back.verdict === 'refuse' ? back.message : '';
    expect(text).toContain('serves the embedded store (/srv/gs/timeseries.db)');
    expect(text).toContain('name InfluxDB at http://influx-a:8086, database "gs2"');
    expect(text).toContain('Start with INFLUX_URL unset');
    expect(text).toContain('--from embedded --to influx');
  });
});

describe('the InfluxDB location remembered', () => {
  it.each([
    ['http://127.0.0.1:8086', 'http://127.0.0.1:8086'],
    ['http://127.0.0.1:8086/', 'http://127.0.0.1:8086'],
    [
      'https://gs:s3cret@Influx.Example:8086/proxy/influx/?u=x&p=y',
      'https://influx.example:8086/proxy/influx',
    ],
  ])('%s → %s (no credentials)', (raw, location) => {
    expect(influxLocation(raw)).toBe(location);
  });

  it('is the settings’ store: embedded without INFLUX_URL, else the URL and the database', () => {
    expect(configuredStore({ influxUrl: undefined, influxDatabase: 'gridsense' })).toEqual(EMBEDDED);
    expect(configuredStore({ influxUrl: 'http://u:p@influx-a:8086/', influxDatabase: 'gridsense' })).toEqual(
      INFLUX,
    );
  });
});
