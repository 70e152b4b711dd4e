import { apiText } from './api-texts';
import type { Problem } from './errors';

/**
 * What a person's password must be: long enough, of mixed kinds, and not built on the username.
 * Applied to every new password (chosen, generated or reset); the console shows the same rules.
 */
export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that hashing one stays cheap. */
export const PASSWORD_MAX_LENGTH = 128;
/** Of lower case, upper case, digits and other characters. */
export const PASSWORD_MIN_CLASSES = 3;

const CLASSES: readonly RegExp[] = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u];

/** How many of the four kinds of character a password has. */
export function passwordClasses(password: string): number {
  return CLASSES.filter((kind) => kind.test(password)).length;
}

/** The rules a password breaks (empty when it is acceptable), as validation details. */
export function passwordProblems(password: string, username: string): Problem[] {
  const errors: Problem[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) errors.push(apiText('password.tooShort', { min: PASSWORD_MIN_LENGTH }));
  if (length > PASSWORD_MAX_LENGTH) errors.push(apiText('password.tooLong', { max: PASSWORD_MAX_LENGTH }));
  if (passwordClasses(password) < PASSWORD_MIN_CLASSES)
    errors.push(apiText('password.mix', { min: PASSWORD_MIN_CLASSES }));
  if (username !== '' && password.toLowerCase().includes(username.toLowerCase()))
    errors.push(apiText('password.containsUsername'));
  return errors;
}
