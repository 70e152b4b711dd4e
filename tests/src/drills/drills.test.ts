import { describe, expect, it } from 'vitest';
import { influxTestMode } from '../harness/influxd';
import { mosquittoTestMode } from '../harness/mosquitto';
import { canMountTmpfs, DRILLS, runDrill, SHORT } from './drills';

// The short form of `npm run drills`: the drills whose promise is "nothing acknowledged is lost,
// nothing is stored twice", each with a few devices for a few seconds. The long form runs all of
// them longer, with more devices, and prints the table docs/reliability.md keeps.
// The disk-full drill mounts a tmpfs, which needs root (as in CI here); elsewhere it is left out,
// and ingest/src/durable-writer.test.ts covers a full disk with a fault-injecting file layer.
const SHORT_FORM = [
  'store frozen mid-stream (SIGSTOP)',
  'platform kill -9 twice',
  'Mosquitto clean restart, 1 subscriber(s)',
  ...(canMountTmpfs() ? ['spool disk full (512 KiB tmpfs, store stopped)'] : []),
];

describe.skipIf(influxTestMode() === 'skip' || mosquittoTestMode() === 'skip')(
  'reliability drills (short form)',
  () => {
    it.each(SHORT_FORM)(
      '%s: every acknowledged reading stored exactly once',
      async (name) => {
        const result = await runDrill(
          DRILLS.find((d) => d.name === name)!,
          SHORT,
        );
        expect(result.acknowledged).toBeGreaterThan(100);
        expect({ lost: result.lost, duplicated: result.duplicated }).toEqual({ lost: 0, duplicated: 0 });
      },
      180_000,
    );
  },
);
