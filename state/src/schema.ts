import type { Generated } from 'kysely';

/** Table shapes as stored (snake_case columns; 0/1 for booleans, epoch ms for times, JSON as text). */
export interface Database {
  settings: { key: string; value: string };
  regions: { id: string; level: string; parent_id: string | null; name: string; boundary: string | null };
  users: {
    id: string;
    username: string;
    display_name: string;
    role: string;
    region_id: string;
    password_hash: string;
    created_at: number;
  };
  grid_duties: { grid_id: string; user_id: string; duty: string };
  devices: {
    id: string;
    grid_id: string;
    type: string;
    name: string;
    lat: number;
    lng: number;
    secret_hash: string;
    online: number;
    last_seen_at: number | null;
    created_at: number;
  };
  device_rejects: { device_id: string; reason: string; count: number; last_detail: string; last_at: number };
  rules: {
    id: string;
    name: string;
    kind: string;
    definition: string;
    enabled: number;
    version: number;
    updated_at: number;
  };
  cases: {
    id: string;
    title: string;
    category: string;
    severity: string;
    state: string;
    source: string;
    grid_id: string;
    device_id: string | null;
    rule_id: string | null;
    assignee_id: string | null;
    resolved_by_id: string | null;
    return_count: number;
    occurrences: number;
    risk_active: number;
    opened_at: number;
    updated_at: number;
    accept_due_at: number | null;
    resolve_due_at: number | null;
  };
  case_events: {
    id: Generated<number>;
    case_id: string;
    at: number;
    actor_id: string;
    actor_name: string;
    action: string;
    from_state: string | null;
    to_state: string;
    note: string | null;
    data: string | null;
  };
}
