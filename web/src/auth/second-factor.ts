import { apiText, AppError, type Role } from '@gridsense/core';
import { findTotpState, useRecoveryCode, useTotpStep, type StateDb } from '@gridsense/state';
import { createHash, randomBytes } from 'node:crypto';
import { decodeBase32, encodeBase32 } from './base32';
import { matchTotpStep } from './totp';

/**
 * Roles that must sign in with two factors: they run the platform (people, devices, rules, flows
 * that run as code) or see callers' personal data (operators, supervisors). Grid workers and
 * department handlers act on the cases given to them from a phone and may turn it on.
 */
export const TOTP_REQUIRED_ROLES: readonly Role[] = ['admin', 'engineer', 'operator', 'supervisor'];

export const totpRequiredFor = (role: Role): boolean => TOTP_REQUIRED_ROLES.includes(role);

/** What a sign-in brings besides the password: a 6-digit code or one recovery code. */
export interface SecondFactorInput {
  code?: string;
  recoveryCode?: string;
}

export type SecondFactorResult = 'not_enabled' | 'missing' | 'wrong' | 'totp' | 'recovery_code';

export const RECOVERY_CODE_COUNT = 10;

/** Recovery codes are typed by hand: dashes, spaces and case do not matter. */
const normalRecoveryCode = (code: string): string => code.replace(/[\s-]/g, '').toLowerCase();

/** 50 random bits each, so a fast hash keeps them out of the database well enough (as session tokens). */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256').update(normalRecoveryCode(code)).digest('hex');

/** Ten codes as `abcde-fghij`, and their hashes (the only thing stored). */
export function newRecoveryCodes(): { codes: string[]; hashes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const text = encodeBase32(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/** The optional `code` / `recoveryCode` of a request body; anything but strings is refused. */
export function readSecondFactor(input: unknown): SecondFactorInput {
  const { code, recoveryCode } = (typeof input === 'object' && input !== null ? input : {}) as {
    code?: unknown;
    recoveryCode?: unknown;
  };
  if (
    (code !== undefined && typeof code !== 'string') ||
    (recoveryCode !== undefined && typeof recoveryCode !== 'string')
  )
    throw new AppError('validation_failed', apiText('totp.codesMustBeText'));
  return { ...(code ? { code: code.trim() } : {}), ...(recoveryCode ? { recoveryCode } : {}) };
}

/**
 * Checks a person's second factor once their password has checked out. A code is accepted for
 * one step either side of now and only once (its step is recorded atomically, so two requests
 * racing with the same code cannot both pass); a recovery code is spent when it signs in.
 */
export async function checkSecondFactor(
  db: StateDb,
  userId: string,
  input: SecondFactorInput,
  now: number,
): Promise<SecondFactorResult> {
  const state = await findTotpState(db, userId);
  if (!state?.enabled || !state.secret) return 'not_enabled';
  if (input.code !== undefined) {
    const secret = decodeBase32(state.secret);
    const step = secret && matchTotpStep(secret, input.code, now, state.lastStep);
    return step !== undefined && (await useTotpStep(db, userId, step)) ? 'totp' : 'wrong';
  }
  if (input.recoveryCode !== undefined)
    return (await useRecoveryCode(db, userId, hashRecoveryCode(input.recoveryCode), now))
      ? 'recovery_code'
      : 'wrong';
  return 'missing';
}
