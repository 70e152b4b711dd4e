import type { BaseMap, Bus, DeviceListeners, SessionPolicy } from '@gridsense/core';
import type { CaseService, PushTargetPolicy } from '@gridsense/alerts';
import type { TimeSeriesStore } from '@gridsense/ingest';
import type { DeviceRegistry, Logger, StateDb } from '@gridsense/state';
import type { EmqxAuthSettings } from './routes/mqtt-auth.routes';

/** Everything the web server is built from; tests pass in-memory parts. */
export interface WebDeps {
  db: StateDb;
  bus: Bus;
  cases: CaseService;
  store: TimeSeriesStore;
  registry: DeviceRegistry;
  /** The broker's listeners for devices, read when a secret is issued (they start after the web server). */
  deviceListeners: () => DeviceListeners;
  /** Idle timeout, lifetime and password age of people's sessions. */
  session: SessionPolicy;
  logger: Logger;
  dataDir: string;
  /** Built console (web/dist); not served when absent. */
  staticDir: string | undefined;
  now: () => number;
  /** EMQX's authentication and authorization endpoints' secret; absent: they refuse everyone. */
  emqxAuth?: EmqxAuthSettings;
  /** Tiles under the console's map (GRIDSENSE_MAP_TILES); absent: the grids alone. */
  baseMap?: BaseMap;
  /** GRIDSENSE_PDF_FONT: the CJK font reports are drawn in as PDF; absent: a system font if found. */
  pdfFont?: string;
  /** Tests only (push receivers on loopback); no production entry point sets it. */
  pushTargets?: PushTargetPolicy;
}
