import type { BaseMap, DeviceView, RegionView, ServerToClientEvents } from '@gridsense/core';
import { api } from './api';
import { applyDeviceReading, applyDeviceStatus } from './device-health';
import { errorText } from './errors';

type StatusUpdate = Parameters<ServerToClientEvents['device:status']>[0];
type ReadingsUpdate = Parameters<ServerToClientEvents['device:readings']>[0];

/** Case changes recolour regions; refetching the overview at most this often is plenty. */
const REFRESH_DELAY_MS = 2000;

class OverviewStore {
  regions = $state.raw<RegionView[]>([]);
  devices = $state.raw<DeviceView[]>([]);
  baseMap = $state.raw<BaseMap | null>(null);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  #timer: ReturnType<typeof setTimeout> | null = null;
  /**
   * Device pushes heard while an overview request is on its way: its answer may have been computed
   * before them, so they are applied again to it. A status push is not repeated (the server tells
   * a change once), so an older answer must never undo it.
   */
  #heardDuringLoad: ((devices: DeviceView[]) => DeviceView[])[] | null = null;

  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    const heard: ((devices: DeviceView[]) => DeviceView[])[] = [];
    this.#heardDuringLoad = heard;
    try {
      const { regions, devices, baseMap } = await api.overview();
      this.regions = regions;
      this.devices = heard.reduce((list, apply) => apply(list), devices);
      this.baseMap = baseMap;
      this.loaded = true;
    } catch (error) {
      this.error = errorText(error);
    } finally {
      if (this.#heardDuringLoad === heard) this.#heardDuringLoad = null;
      this.loading = false;
    }
  }

  async ensure(): Promise<void> {
    if (!this.loaded && !this.loading) await this.load();
  }

  /** Risk colours and open-case counts are computed by the server; ask again shortly. */
  scheduleRefresh(): void {
    if (!this.loaded || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load();
    }, REFRESH_DELAY_MS);
  }

  applyStatus(update: StatusUpdate): void {
    const now = Date.now();
    this.#apply((devices) =>
      devices.map((device) =>
        device.id === update.deviceId ? applyDeviceStatus(device, update, now) : device,
      ),
    );
  }

  applyReadings(update: ReadingsUpdate): void {
    const byDevice = new Map(update.readings.map((reading) => [reading.deviceId, reading]));
    const now = Date.now();
    this.#apply((devices) =>
      devices.map((device) => {
        const reading = byDevice.get(device.id);
        if (!reading) return device;
        const latest = { ...device.latest };
        for (const [metric, value] of Object.entries(reading.metrics))
          latest[metric] = { ts: reading.ts, value };
        return { ...applyDeviceReading(device, reading.ts, now), latest };
      }),
    );
  }

  /** A push applied now, and again to the answer of a request on its way. */
  #apply(change: (devices: DeviceView[]) => DeviceView[]): void {
    this.devices = change(this.devices);
    this.#heardDuringLoad?.push(change);
  }

  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.regions = [];
    this.devices = [];
    this.baseMap = null;
    this.loaded = false;
    this.error = null;
  }
}

export const overview = new OverviewStore();
