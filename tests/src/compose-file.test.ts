import { CONFIG_DOC } from '@gridsense/core';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * docker-compose.yml checked where Docker is not available (CI): parsed, then held to the rules
 * of docs/operations.md. The YAML parser is js-yaml, already installed for Node-RED (no
 * dependency of ours: no types, loaded through require).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

type Service = {
  image?: string;
  build?: unknown;
  command?: unknown;
  environment?: Record<string, string | number | boolean | null>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] | string };
  restart?: string;
  profiles?: string[];
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const compose = load(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as Compose;
const services = Object.entries(compose.services);
/** GridSense's own services: they run this repository's code and read its configuration. */
const gridsense = services.filter(([, s]) => s.image?.startsWith('node:'));
const SECRET_NAME = /PASSWORD|SECRET|_KEY$|TOKEN/;

/** A one-shot service others wait for (service_completed_successfully) needs no health check. */
const oneShot = (name: string) =>
  services.some(
    ([, s]) =>
      !Array.isArray(s.depends_on) && s.depends_on?.[name]?.condition === 'service_completed_successfully',
  );

describe('docker-compose.yml', () => {
  it('has the production topology', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      [
        'alerts',
        'grafana',
        'influxdb',
        'ingest',
        'mosquitto',
        'mosquitto-auth',
        'postgres',
        'redis',
        'web',
      ].sort(),
    );
    expect(compose.services.grafana?.profiles).toEqual(['grafana']);
  });

  it('gives every service an image or a build, and a health check unless it runs once', () => {
    for (const [name, service] of services) {
      expect(
        typeof service.image === 'string' || service.build !== undefined,
        `${name}: image or build`,
      ).toBe(true);
      if (oneShot(name)) expect(service.restart, name).toBe('no');
      else expect(service.healthcheck?.test ?? [], `${name} health check`).not.toHaveLength(0);
    }
  });

  it('lets a service depend only on services that exist, and on their health where they have one', () => {
    for (const [name, service] of services) {
      const on = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const other of on) {
        expect(compose.services[other], `${name} depends on ${other}`).toBeDefined();
        if (compose.services[other]?.healthcheck && !Array.isArray(service.depends_on))
          expect(service.depends_on?.[other]?.condition, `${name} → ${other}`).toBe('service_healthy');
      }
    }
  });

  it("sets only settings GridSense's configuration knows in GridSense's services", () => {
    expect(gridsense.map(([name]) => name).sort()).toEqual(['alerts', 'ingest', 'mosquitto-auth', 'web']);
    for (const [name, service] of gridsense)
      for (const key of Object.keys(service.environment ?? {}))
        expect(key in CONFIG_DOC, `${name}: ${key}`).toBe(true);
  });

  it('holds no secret: each comes from the environment, and compose refuses to start without it', () => {
    for (const [name, service] of services)
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        const text = String(value);
        // A path names a mounted file holding it (the TLS key), which is not in the repository either.
        if (SECRET_NAME.test(key) && !text.startsWith('/'))
          expect(text, `${name}: ${key}`).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
        // A password inside a URL comes from the environment as well.
        const inUrl = /^[a-z]+:\/\/[^/@:]*:([^@]*)@/.exec(text)?.[1];
        if (inUrl !== undefined) expect(inUrl, `${name}: ${key}`).toMatch(/^\$\{[A-Z_]+:\?[^}]*\}$/);
      }
  });

  it('declares every named volume it mounts, and every file it mounts is in the repository', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, service] of services)
      for (const mount of service.volumes ?? []) {
        const source = mount.split(':')[0]!;
        if (source.startsWith('${')) continue;
        if (source.startsWith('.'))
          expect(existsSync(path.join(ROOT, source)), `${name}: ${source}`).toBe(true);
        else expect(declared.has(source), `${name}: volume ${source}`).toBe(true);
      }
  });

  it("provisions Grafana's dashboard as valid JSON on the InfluxDB data source", () => {
    const dashboard = JSON.parse(
      readFileSync(path.join(ROOT, 'docker/grafana/dashboards/gridsense.json'), 'utf8'),
    ) as { panels: { datasource: { uid: string } }[] };
    const source = load(
      readFileSync(path.join(ROOT, 'docker/grafana/provisioning/datasources/influxdb.yml'), 'utf8'),
    ) as { datasources: { uid: string; type: string; secureJsonData: { password: string } }[] };
    expect(source.datasources[0]).toMatchObject({
      type: 'influxdb',
      secureJsonData: { password: '$INFLUX_PASSWORD' },
    });
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(source.datasources[0]!.uid);
  });
});
