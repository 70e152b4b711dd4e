import { describe, expect, it } from 'vitest';
import { inEnglish } from './errors';
import { passwordClasses, passwordProblems as problemsOf } from './password-policy';

/** The problems as the API words them in English. */
const passwordProblems = (password: string, username: string) => inEnglish(problemsOf(password, username));

describe('password policy', () => {
  it.each([
    ['Harbour-lights', 'worker07'],
    ['harbour lights 7', 'worker07'],
    ['HARBOUR7LIGHTS!', 'op1'],
    ['网格巡查Spring2026', 'worker07'],
  ])('accepts %j for %s', (password, username) => {
    expect(passwordProblems(password, username)).toEqual([]);
  });

  it('wants at least 10 characters, counted as characters rather than bytes', () => {
    expect(passwordProblems('Ab1-Ab1-a', 'op1')).toEqual(['password must be at least 10 characters']);
    expect(passwordProblems('网格巡查员A1网格巡查', 'op1')).toEqual([]);
  });

  it('wants 3 of the 4 kinds of character', () => {
    expect(passwordClasses('lowercaseonly')).toBe(1);
    expect(passwordClasses('lower and 123')).toBe(3);
    expect(passwordProblems('lowercase12345', 'op1')).toEqual([
      'password must mix at least 3 of lower case, upper case, digits and other characters',
    ]);
  });

  it('refuses a password that contains the username, whatever the case', () => {
    expect(passwordProblems('My-Worker07-pass', 'worker07')).toEqual([
      'password must not contain the username',
    ]);
  });

  it('gives each rule as a key with its limit, for each language to word', () => {
    expect(problemsOf('Ab1-Ab1-a', 'op1')).toEqual([{ key: 'password.tooShort', params: { min: 10 } }]);
  });

  it('names every rule broken, and refuses a password too long to hash cheaply', () => {
    expect(passwordProblems('op1', 'op1')).toHaveLength(3);
    expect(passwordProblems(`Aa1-${'x'.repeat(200)}`, 'op1')).toEqual([
      'password must be at most 128 characters',
    ]);
  });
});
