import type { DutyKind, Region, User } from './model';

/** A grid's standing duty (AB角) as the administrators' pages show it. */
export interface GridDutyView {
  userId: string;
  displayName: string;
  duty: DutyKind;
}

/** A region in the administrators' hierarchy; grids carry their standing duties. */
export interface RegionAdminView extends Region {
  duties: GridDutyView[];
}

/** A person as administrators list them: never the password hash. */
export interface PersonView extends User {
  enabled: boolean;
  duties: { gridId: string; duty: DutyKind }[];
  /** A department handler's department (null for every other role). */
  departmentId: string | null;
}

/** A new person's initial (or reset) password: shown once, only its hash is stored. */
export interface IssuedPasswordView {
  person: PersonView;
  password: string;
}
