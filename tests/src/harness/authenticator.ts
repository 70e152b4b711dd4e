import type { SessionView, TotpConfirmedView, TotpEnrolmentView } from '@gridsense/core';
import { decodeBase32, totpCode, totpStep, TOTP_TOLERANCE_STEPS } from '@gridsense/web';

/** What a sign-in body carries besides the password. */
export type SecondFactor = { code: string } | { recoveryCode: string } | Record<string, never>;

interface Enrolled {
  secret: Buffer;
  /** The step of the last code handed out (the platform refuses it and earlier ones). */
  lastStep: number;
  recoveryCodes: string[];
}

/**
 * The tests' authenticator app: one per platform, holding the secret and recovery codes of each
 * person it enrolled. A code is accepted once, so each sign-in takes the next unused step within
 * the platform's tolerance (now … now + 1) and, once those are spent within one 30 s step, a
 * recovery code; no test waits for the clock and the rule stays as strict as in production.
 */
export class TestAuthenticator {
  private readonly people = new Map<string, Enrolled>();

  /** `now`: the platform's clock, which tests may move ahead of the wall clock. */
  constructor(private readonly now: () => number = Date.now) {}

  isEnrolled(username: string): boolean {
    return this.people.has(username);
  }

  /** The next code nobody has used, or undefined once the steps within reach are spent. */
  nextCode(username: string, now = this.now()): string | undefined {
    const person = this.people.get(username);
    if (!person) return undefined;
    // Never the step before now: computed late in a step, it could expire before it arrives.
    const step = Math.max(totpStep(now), person.lastStep + 1);
    if (step > totpStep(now) + TOTP_TOLERANCE_STEPS) return undefined;
    person.lastStep = step;
    return totpCode(person.secret, step);
  }

  /** A code, or a recovery code when the codes within reach are spent; nothing when not enrolled. */
  nextFactor(username: string): SecondFactor {
    if (!this.people.has(username)) return {};
    const code = this.nextCode(username);
    if (code) return { code };
    const recoveryCode = this.people.get(username)!.recoveryCodes.shift();
    if (!recoveryCode) throw new Error(`${username}: codes and recovery codes are spent for this 30 s step`);
    return { recoveryCode };
  }

  /**
   * A sign-in over plain fetch, for tests that start a platform of their own: brings the next
   * code, and enrols at the first sign-in when the role requires it. Returns `gs_session=…`.
   */
  async signIn(baseUrl: string, username: string, password: string): Promise<string> {
    const response = await fetch(`${baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, ...this.nextFactor(username) }),
    });
    if (response.status !== 200)
      throw new Error(`sign-in ${username}: ${response.status} ${await response.text()}`);
    const cookie = response.headers
      .getSetCookie()
      .map((line) => /^gs_session=[^;]*/.exec(line)?.[0])
      .find((value) => value);
    if (!cookie) throw new Error(`sign-in ${username}: no session cookie`);
    const view = (await response.json()) as SessionView;
    if (view.totpEnrolmentRequired && !view.passwordChangeRequired)
      await this.enrol(baseUrl, cookie, username);
    return cookie;
  }

  /** Forgets a person (an administrator reset their second factor). */
  forget(username: string): void {
    this.people.delete(username);
  }

  /**
   * Turns two-factor sign-in on through the API for a session (the only thing a required role's
   * first session may do); returns the confirmed session and the recovery codes.
   */
  async enrol(
    baseUrl: string,
    cookie: string,
    username: string,
  ): Promise<{ session: SessionView; recoveryCodes: string[] }> {
    const post = (path: string, body: unknown = {}) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const answer = async <T>(path: string, response: Response): Promise<T> => {
      if (!response.ok)
        throw new Error(`${path} for ${username}: ${response.status} ${await response.text()}`);
      return (await response.json()) as T;
    };
    const started = await answer<TotpEnrolmentView>('/api/me/totp', await post('/api/me/totp'));
    const secret = decodeBase32(started.secret)!;
    // The step before now (a quick request, so it nearly always arrives in time) leaves now and the
    // next step for sign-ins: the Node-RED editor, which takes no recovery code, needs them. If it
    // came too late, the current step.
    let step = totpStep(this.now()) - TOTP_TOLERANCE_STEPS;
    let response = await post('/api/me/totp/confirm', { code: totpCode(secret, step) });
    if (response.status === 400) {
      step = totpStep(this.now());
      response = await post('/api/me/totp/confirm', { code: totpCode(secret, step) });
    }
    const confirmed = await answer<TotpConfirmedView>('/api/me/totp/confirm', response);
    this.people.set(username, { secret, lastStep: step, recoveryCodes: [...confirmed.recoveryCodes] });
    return confirmed;
  }
}
