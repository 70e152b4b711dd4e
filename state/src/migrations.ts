import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { foundation } from './migrations/0001-foundation';
import { ingest } from './migrations/0002-ingest';
import { rules } from './migrations/0003-rules';
import { cases } from './migrations/0004-cases';
import { deviceAdmin } from './migrations/0005-device-admin';
import { peopleAdmin } from './migrations/0006-people-admin';
import { sessions } from './migrations/0007-sessions';
import { auditGuard } from './migrations/0008-audit-guard';
import { photos } from './migrations/0009-photos';
import { personalData } from './migrations/0010-personal-data';
import { mosquittoHash } from './migrations/0011-mosquitto-hash';
import { totp } from './migrations/0012-totp';
import { caseClosing } from './migrations/0014-case-closing';
import { caseList } from './migrations/0015-case-list';
import { personContacts } from './migrations/0016-person-contacts';
import { auditPaging } from './migrations/0017-audit-paging';
import { notificationRead } from './migrations/0018-notification-read';
import { deviceRevision } from './migrations/0019-device-revision';
import { caseExtensionSupervision } from './migrations/0020-case-extension-supervision';
import { intakeSuggestions } from './migrations/0022-intake-suggestions';
import { earlyWarnings } from './migrations/0023-early-warnings';
import { loginFailures } from './migrations/0032-login-failures';
import { personLocale } from './migrations/0027-person-locale';
import { assessmentReports } from './migrations/0028-assessment-reports';
import { caseSubtasks } from './migrations/0024-case-subtasks';
import { places } from './migrations/0029-places';
import { idempotentRequests } from './migrations/0026-idempotent-requests';
import { caseClocks } from './migrations/0025-case-clocks';
import { photoBodies } from './migrations/0031-photo-bodies';
import { subtaskRatings } from './migrations/0036-subtask-ratings';
import { registerByHand } from './migrations/0033-register-by-hand';
import { callerHash } from './migrations/0034-caller-hash';
import { reportNotices } from './migrations/0037-report-notices';
import { deliveryFailureKeys } from './migrations/0038-delivery-failure-keys';

/**
 * Migrations in code, so they ship inside the package and run the same on SQLite and
 * PostgreSQL (types from the common subset; integer epoch-ms timestamps instead of dates).
 * One file per migration, applied in name order; never edit one that has shipped.
 */
const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_ingest': ingest,
  '0003_rules': rules,
  '0004_cases': cases,
  '0005_device_admin': deviceAdmin,
  '0006_people_admin': peopleAdmin,
  '0007_sessions': sessions,
  '0008_audit_guard': auditGuard,
  '0009_photos': photos,
  '0010_personal_data': personalData,
  '0011_mosquitto_hash': mosquittoHash,
  '0012_totp': totp,
  '0014_case_closing': caseClosing,
  '0015_case_list': caseList,
  '0016_person_contacts': personContacts,
  '0017_audit_paging': auditPaging,
  '0018_notification_read': notificationRead,
  '0019_device_revision': deviceRevision,
  '0020_case_extension_supervision': caseExtensionSupervision,
  '0022_intake_suggestions': intakeSuggestions,
  '0023_early_warnings': earlyWarnings,
  '0032_login_failures': loginFailures,
  '0027_person_locale': personLocale,
  '0028_assessment_reports': assessmentReports,
  '0024_case_subtasks': caseSubtasks,
  '0029_places': places,
  '0026_idempotent_requests': idempotentRequests,
  '0025_case_clocks': caseClocks,
  '0031_photo_bodies': photoBodies,
  '0036_subtask_ratings': subtaskRatings,
  '0033_register_by_hand': registerByHand,
  '0034_caller_hash': callerHash,
  '0037_report_notices': reportNotices,
  '0038_delivery_failure_keys': deliveryFailureKeys,
};

/** Every migration, for a Migrator (tests step a database down and up again). */
export const migrationProvider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`);
  }
}
