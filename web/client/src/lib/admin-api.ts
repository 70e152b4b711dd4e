import type {
  CaseCategoryNode,
  DeviceRegistryView,
  DispatchRule,
  FusionConfig,
  IssuedSecretView,
  RosterShift,
  Severity,
  SlaEntry,
  WorkCalendar,
} from '@gridsense/core';
import type { ChannelRow, RosterRow } from './admin-types';
import { request } from './api';

const segment = encodeURIComponent;

/** The engineers' and administrators' calls: the device registry and the case configuration. */
export const adminApi = {
  devices: () => request<DeviceRegistryView[]>('GET', '/api/devices'),
  registerDevice: (device: object) => request<IssuedSecretView>('POST', '/api/devices', device),
  rotateDeviceSecret: (id: string) => request<IssuedSecretView>('POST', `/api/devices/${segment(id)}/secret`),
  setDeviceEnabled: (id: string, enabled: boolean) =>
    request<DeviceRegistryView>('POST', `/api/devices/${segment(id)}/${enabled ? 'enable' : 'disable'}`),
};

/** Case configuration writes (administrators); each answers the stored value or 400 with details. */
export const caseConfigApi = {
  setCategory: (node: CaseCategoryNode) =>
    request<CaseCategoryNode>('PUT', `/api/admin/categories/${segment(node.key)}`, node),
  setSla: (category: string, severity: Severity, sla: object) =>
    request<SlaEntry>('PUT', `/api/admin/slas/${segment(category)}/${severity}`, sla),
  setCalendar: (calendar: WorkCalendar) => request<WorkCalendar>('PUT', '/api/admin/calendar', calendar),
  setDispatchRule: (rule: DispatchRule) =>
    request<DispatchRule>('PUT', `/api/admin/dispatch-rules/${segment(rule.id)}`, rule),
  deleteDispatchRule: (id: string) => request<void>('DELETE', `/api/admin/dispatch-rules/${segment(id)}`),
  addRosterShift: (shift: RosterShift) => request<RosterRow>('POST', '/api/admin/rosters', shift),
  deleteRosterShift: (id: number) => request<void>('DELETE', `/api/admin/rosters/${id}`),
  setChannel: (channel: object & { id: string }) =>
    request<ChannelRow>('PUT', `/api/admin/channels/${segment(channel.id)}`, channel),
  deleteChannel: (id: string) => request<void>('DELETE', `/api/admin/channels/${segment(id)}`),
  fusion: () => request<FusionConfig>('GET', '/api/admin/fusion'),
  setFusion: (config: FusionConfig) => request<FusionConfig>('PUT', '/api/admin/fusion', config),
};
