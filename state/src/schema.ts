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
    /** Added by 0006_people_admin: 0 refuses sign-in and keeps the person out of routing. */
    enabled: Generated<number>;
    /** Added by 0007_sessions: when the password was last set (its age counts from here). */
    password_changed_at: Generated<number>;
    /** Added by 0007_sessions: 1 after an administrator issued the password. */
    must_change_password: Generated<number>;
    /** Added by 0027_person_locale: `zh-CN` or `en` for what is sent to them; null reads zh-CN. */
    locale: string | null;
  };
  /** Added by 0007_sessions: one row per signed-in session; the token itself is never stored. */
  sessions: {
    id: string;
    token_hash: string;
    user_id: string;
    created_at: number;
    last_seen_at: number;
    expires_at: number;
  };
  /** Added by 0012_totp: secrets are sealed (`personal-data-key.ts`); `enabled_at` null until confirmed. */
  user_totp: {
    user_id: string;
    secret: string | null;
    pending_secret: string | null;
    enabled_at: number | null;
    last_step: number | null;
  };
  /** Added by 0012_totp: SHA-256 of each recovery code; `used_at` set when it signs in. */
  user_recovery_codes: { user_id: string; code_hash: string; used_at: number | null };
  /** Added by 0016_person_contacts: `phone` is sealed (`personal-data-key.ts`). */
  person_contacts: {
    user_id: string;
    phone: string | null;
    dingtalk_user_id: string | null;
    wecom_user_id: string | null;
    updated_at: number;
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
    /** Added by 0005_device_admin: 0 refuses the device at CONNECT. */
    enabled: Generated<number>;
    /** Added by 0011_mosquitto_hash: the secret as Mosquitto's password file holds it. */
    mosquitto_hash: string | null;
    /** Added by 0019_device_revision: numbered by triggers on each change a registry holds. */
    revision: Generated<number>;
  };
  /** Added by 0019_device_revision: deleted devices, numbered like the changes in `devices`. */
  device_tombstones: { id: string; revision: number };
  device_rejects: {
    device_id: string;
    reason: string;
    count: number;
    last_detail: string;
    last_at: number;
    /** Added by 0002_ingest: the start of the last rejected payload. */
    last_payload: string | null;
  };
  device_seq_state: { device_id: string; stream: string; state: string; updated_at: number };
  device_activity: {
    device_id: string;
    messages: number;
    readings: number;
    rejects: number;
    duplicates: number;
    last_message_at: number | null;
    minutes: string;
    updated_at: number;
  };
  rules: {
    id: string;
    name: string;
    kind: string;
    definition: string;
    enabled: number;
    version: number;
    updated_at: number;
  };
  rule_versions: {
    rule_id: string;
    version: number;
    definition: string;
    enabled: number;
    changed_at: number;
    changed_by: string | null;
  };
  rule_states: {
    rule_id: string;
    subject: string;
    severity: string | null;
    state: string;
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
    // 0004_cases
    subcategory: string | null;
    case_type: string | null;
    description: string | null;
    lat: number | null;
    lng: number | null;
    address: string | null;
    co_handler_ids: string;
    department_id: string | null;
    dispatcher_id: string | null;
    reporter_id: string | null;
    photo_required: number;
    escalation_level: string;
    escalated_at: number | null;
    paused_at: number | null;
    pause_reason: string | null;
    parent_id: string | null;
    last_signal_at: number;
    dispatched_at: number | null;
    first_dispatched_at: number | null;
    accepted_at: number | null;
    accepted_on_time: number | null;
    arrived_at: number | null;
    resolved_at: number | null;
    resolved_on_time: number | null;
    closed_at: number | null;
    arrive_due_at: number | null;
    reminded_clocks: string;
    last_notified_at: number | null;
    satisfaction: number | null;
    feedback_at: number | null;
    next_check_at: number | null;
    close_reason: string | null;
    duplicate_of_id: string | null;
    returned_by_id: string | null;
    // 0020_case_extension_supervision
    extension_request: string | null;
    supervised_at: number | null;
    supervised_by_id: string | null;
    supervision_reason: string | null;
    // 0025_case_clocks
    register_due_at: number | null;
    dispatch_due_at: number | null;
    awaiting_dispatch_since: number | null;
    breach_acted: string;
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
  // 0004_cases
  case_sources: {
    id: Generated<number>;
    case_id: string;
    kind: string;
    device_id: string | null;
    rule_id: string | null;
    category: string;
    event_type: string | null;
    snapshot: string | null;
    active: number;
    suppressed: number;
    count: number;
    first_at: number;
    last_at: number;
  };
  case_requesters: {
    id: Generated<number>;
    case_id: string;
    name: string;
    phone: string;
    created_at: number;
    // 0034_caller_hash: the keyed hash of the number, to find one caller's other cases
    phone_hash: string | null;
  };
  case_categories: {
    key: string;
    level: string;
    name: string;
    safety: number;
    matches: string;
    sort: number;
    // 0025_case_clocks
    auto_register: Generated<number>;
  };
  case_slas: { category: string; severity: string; sla: string };
  dispatch_rules: {
    id: string;
    match: string;
    region_id: string;
    lead: string;
    co_handlers: string;
    enabled: number;
    note: string | null;
    sort: number;
  };
  departments: { id: string; name: string; region_id: string };
  department_members: { department_id: string; user_id: string; duty: string };
  roster_shifts: {
    id: Generated<number>;
    scope_kind: string;
    scope_id: string;
    user_id: string;
    duty: string;
    weekdays: string;
    start_minute: number;
    end_minute: number;
  };
  audit_log: {
    seq: number;
    at: number;
    actor_id: string;
    actor_name: string;
    action: string;
    entity_type: string;
    entity_id: string;
    data: string;
    prev_hash: string;
    hash: string;
  };
  /** The first audit row sealed with the audit key; rows before it are plain SHA-256. */
  audit_chain_start: {
    hmac_from_seq: number;
  };
  notification_channels: {
    id: string;
    kind: string;
    name: string;
    url: string;
    secret: string | null;
    region_id: string;
    min_severity: string;
    kinds: string;
    enabled: number;
  };
  notification_messages: {
    id: Generated<number>;
    target_kind: string;
    target_id: string;
    group_key: string;
    kind: string;
    severity: string;
    title: string;
    lines: string;
    case_ids: string;
    notice_count: number;
    status: string;
    attempts: number;
    not_before: number;
    last_error: string | null;
    /** 0038: `last_error` as a key (`delivery.*`) and its parameters in JSON. */
    last_error_key: string | null;
    last_error_params: string | null;
    created_at: number;
    sent_at: number | null;
    read_at: Generated<number | null>;
  };
  notification_attempts: {
    id: Generated<number>;
    message_id: number;
    at: number;
    ok: number;
    status_code: number | null;
    error: string | null;
    /** 0038: `error` as a key (`delivery.*`) and its parameters in JSON. */
    error_key: string | null;
    error_params: string | null;
    duration_ms: number;
  };
  push_subscriptions: { endpoint: string; user_id: string; p256dh: string; auth: string; created_at: number };
  // 0009_photos
  photos: { id: string; uploader_id: string; content_type: string; bytes: number; created_at: number };
  photo_uses: { photo_id: string; case_id: string };
  // 0031_photo_bodies: a photo's bytes where every node reads them (PostgreSQL; SQLite keeps files)
  photo_bodies: { id: string; body: Buffer };
  // 0032_login_failures
  login_failures: { key: string; count: number; blocked_until: number; last_at: number };
}
