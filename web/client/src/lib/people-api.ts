import type {
  DutyKind,
  IssuedPasswordView,
  PersonView,
  PolygonGeometry,
  RegionAdminView,
  Role,
} from '@gridsense/core';
import type { CaseConfig } from './admin-types';
import { request } from './api';

const segment = encodeURIComponent;

/** An edited row: role and scope, and a department handler's department. */
export type PersonChanges = { role: Role; regionId: string; departmentId?: string };

/** Administrators' calls for grids, boundaries, people and duties; each change is audited. */
export const peopleApi = {
  regions: () => request<RegionAdminView[]>('GET', '/api/admin/regions'),
  /** `boundary` is the imported GeoJSON as read from the file; the server checks it again. */
  setBoundary: (gridId: string, boundary: unknown) =>
    request<RegionAdminView>('PUT', `/api/admin/regions/${segment(gridId)}/boundary`, { boundary }),
  /** The import's checks without saving: refused (as the save would be) with the problems found. */
  checkBoundary: (draft: { boundary: unknown; gridId?: string; parentId?: string }) =>
    request<{ boundary: PolygonGeometry }>('POST', '/api/admin/regions/boundary/check', draft),
  createGrid: (grid: { id: string; name: string; parentId: string; boundary: unknown }) =>
    request<RegionAdminView>('POST', '/api/admin/regions', grid),
  setDuty: (gridId: string, duty: DutyKind, userId: string | null) =>
    request<PersonView[]>('PUT', `/api/admin/regions/${segment(gridId)}/duties/${duty}`, { userId }),
  people: () => request<PersonView[]>('GET', '/api/admin/people'),
  departments: async () => (await request<CaseConfig>('GET', '/api/case-config')).departments,
  createPerson: (person: object) => request<IssuedPasswordView>('POST', '/api/admin/people', person),
  updatePerson: (id: string, changes: PersonChanges) =>
    request<PersonView>('PATCH', `/api/admin/people/${segment(id)}`, changes),
  /** A new generated password, answered once; the person's sessions end. */
  resetPassword: (id: string) =>
    request<IssuedPasswordView>('POST', `/api/admin/people/${segment(id)}/password`),
  /** Removes the person's second factor (a lost phone); their sessions end and they enrol again. */
  resetTotp: (id: string) => request<PersonView>('POST', `/api/admin/people/${segment(id)}/totp/reset`),
  setPersonEnabled: (id: string, enabled: boolean) =>
    request<PersonView>('POST', `/api/admin/people/${segment(id)}/${enabled ? 'enable' : 'disable'}`),
};
