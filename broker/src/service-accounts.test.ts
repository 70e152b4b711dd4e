import { describe, expect, it } from 'vitest';
import {
  filterWithin,
  serviceAccountOf,
  serviceAccounts,
  serviceMay,
  servicePassword,
  SERVICE_TOPIC_RULES,
  unshared,
} from './service-accounts';

describe('service accounts', () => {
  it('derive a password per role from the one service secret', () => {
    expect(servicePassword('services', 's3cret')).toBe('s3cret');
    expect(servicePassword('ingest', 's3cret')).not.toBe(servicePassword('alerts', 's3cret'));
    expect(servicePassword('ingest', 's3cret')).toBe(servicePassword('ingest', 's3cret'));
    expect(servicePassword('ingest', 'other')).not.toBe(servicePassword('ingest', 's3cret'));
  });

  it('let MQTT_USERNAME / MQTT_PASSWORD name the general account', () => {
    const accounts = serviceAccounts('s3cret', { username: 'svc', password: 'pw' });
    expect(accounts.map((a) => a.username)).toEqual(['svc', 'gridsense-ingest', 'gridsense-alerts']);
    expect(serviceAccountOf(accounts, 'svc', 'pw')?.role).toBe('services');
    expect(serviceAccountOf(accounts, 'svc', 'pw2')).toBeUndefined();
    expect(serviceAccountOf(accounts, 'gridsense-alerts', servicePassword('alerts', 's3cret'))?.role).toBe(
      'alerts',
    );
    expect(serviceAccountOf(serviceAccounts('s3cret', { username: 'svc', password: '' }), 'svc', '')).toBe(
      undefined,
    );
  });

  it.each([
    ['gs/v1/#', 'gs/v1/+/+/+', true],
    ['gs/v1/#', 'gs/v1/G01/d1/telemetry', true],
    ['gs/v1/#', 'gs/#', false],
    ['gs/v1/#', '#', false],
    ['gs/v1/G01/d1/#', 'gs/v1/+/d1/telemetry', false],
    ['gs/v1/+/d1', 'gs/v1/G01/d1', true],
    ['gs/v1/+/d1', 'gs/v1/G01/d1/x', false],
  ])('%s covers %s: %s', (allowed, filter, covers) => {
    expect(filterWithin(allowed, filter)).toBe(covers);
  });

  it.each([
    ['$share/gridsense-ingest/gs/v1/+/+/+', 'gs/v1/+/+/+'],
    ['$share/$queue/gs/v1/#', 'gs/v1/#'],
    ['$queue/gs/v1/#', 'gs/v1/#'],
    ['$queue/#', '#'],
    ['$exclusive/gs/v1/#', 'gs/v1/#'],
    ['$share/g', '$share/g'],
    ['$queue/', '$queue/'],
    ['$SYS/brokers/#', '$SYS/brokers/#'],
    ['gs/v1/#', 'gs/v1/#'],
  ])('read %s as %s', (filter, real) => {
    expect(unshared(filter)).toBe(real);
  });

  it('keep device topics read-only for the services and away from alerts', () => {
    const { ingest, alerts } = SERVICE_TOPIC_RULES;
    expect(serviceMay(ingest, 'subscribe', '$share/gridsense-ingest/gs/v1/+/+/+')).toBe(true);
    expect(serviceMay(ingest, 'publish', 'gs/v1/G01/d1/telemetry')).toBe(false);
    expect(serviceMay(ingest, 'publish', 'gridsense/risk/changed')).toBe(true);
    expect(serviceMay(alerts, 'subscribe', 'gs/v1/#')).toBe(false);
    expect(serviceMay(alerts, 'subscribe', 'gridsense/case/changed')).toBe(true);
    expect(serviceMay(alerts, 'subscribe', '#')).toBe(false);
    expect(serviceMay(ingest, 'subscribe', '$queue/gs/v1/+/+/+')).toBe(true);
    expect(serviceMay(ingest, 'subscribe', '$exclusive/gs/v1/#')).toBe(true);
    expect(serviceMay(alerts, 'subscribe', '$queue/gs/v1/#')).toBe(false);
    expect(serviceMay(alerts, 'subscribe', '$exclusive/#')).toBe(false);
    expect(serviceMay(ingest, 'publish', '$delayed/5/gridsense/risk/changed')).toBe(false);
  });
});
