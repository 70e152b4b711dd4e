import type { DutyKind, IssuedPasswordView, PersonView, RegionAdminView } from '@gridsense/core';
import type { CaseConfig } from './admin-types';
import { request } from './api';

const segment = encodeURIComponent;

/** Administrators' calls for grids, boundaries, people and duties; each change is audited. */
export const peopleApi = {
  regions: () => request<RegionAdminView[]>('GET', '/api/admin/regions'),
  /** `boundary` is the imported GeoJSON as read from the file; the server checks it again. */
  setBoundary: (gridId: string, boundary: unknown) =>
    request<RegionAdminView>('PUT', `/api/admin/regions/${segment(gridId)}/boundary`, { boundary }),
  createGrid: (grid: { id: string; name: string; parentId: string; boundary: unknown }) =>
    request<RegionAdminView>('POST', '/api/admin/regions', grid),
  setDuty: (gridId: string, duty: DutyKind, userId: string | null) =>
    request<PersonView[]>('PUT', `/api/admin/regions/${segment(gridId)}/duties/${duty}`, { userId }),
  people: () => request<PersonView[]>('GET', '/api/admin/people'),
  departments: async () => (await request<CaseConfig>('GET', '/api/case-config')).departments,
  createPerson: (person: object) => request<IssuedPasswordView>('POST', '/api/admin/people', person),
  updatePerson: (id: string, changes: object) =>
    request<PersonView>('PATCH', `/api/admin/people/${segment(id)}`, changes),
  setPersonEnabled: (id: string, enabled: boolean) =>
    request<PersonView>('POST', `/api/admin/people/${segment(id)}/${enabled ? 'enable' : 'disable'}`),
};
