import {
  describeStore,
  sameStore,
  settingsOf,
  type RememberedStore,
  type StoreIdentity,
} from './remembered-store';

export interface StoreChoiceInput {
  /** What the data dir remembers serving; undefined before the first start records it. */
  remembered: RememberedStore | undefined;
  configured: StoreIdentity;
  /** GRIDSENSE_TIMESERIES_MOVE=confirm: the operator means to change stores. */
  moveConfirmed: boolean;
  dataDir: string;
}

/**
 * `same`: open it. `first`: nothing remembered yet, open the configured one and remember it.
 * `move`: another store, confirmed. `refuse`: another store, unconfirmed.
 */
export type StoreChoice =
  | { verdict: 'same' }
  | { verdict: 'first' }
  | { verdict: 'move'; from: RememberedStore }
  | { verdict: 'refuse'; message: string };

/**
 * Whether a process may open the configured time-series store. Another store than the one the
 * data dir served would split the history silently: readings acknowledged into it are recorded
 * as stored in the seq records, so a later start on the first store would never get them again.
 */
export function chooseStore(input: StoreChoiceInput): StoreChoice {
  const { remembered, configured, dataDir } = input;
  if (!remembered) return { verdict: 'first' };
  if (sameStore(remembered, configured)) return { verdict: 'same' };
  if (input.moveConfirmed) return { verdict: 'move', from: remembered };
  const from = remembered.kind;
  return {
    verdict: 'refuse',
    message:
      `This data dir (${dataDir}) serves ${describeStore(remembered, dataDir)} since ${remembered.since}, ` +
      `but the settings now name ${describeStore(configured, dataDir)}. Starting on it would store new ` +
      'readings apart from their history, and the seq records would count them as stored, so a later ' +
      `start on the first store would never get them. Start with ${settingsOf(remembered)}` +
      (from === configured.kind
        ? ''
        : `; or stop GridSense and copy the readings over with npm run migrate:readings -- --from ${from} --to ${configured.kind}`) +
      '; or, to serve the configured store from now on without copying, set GRIDSENSE_TIMESERIES_MOVE=confirm for one start.',
  };
}
