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
}

/** A new person's initial password: shown once, only its hash is stored. */
export interface IssuedPasswordView {
  person: PersonView;
  password: string;
}
