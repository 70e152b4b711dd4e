import type { SessionView, TotpConfirmedView, TotpEnrolmentView, User } from '@gridsense/core';
import { ApiError, api, configureApi, request } from './api';
import { noteActivity, startIdleWatch, stopIdleWatch } from './idle.svelte';
import { forgetCopies, rememberedUser, rememberUser } from './offline-copies';

/**
 * Who is signed in. The session token is in an HttpOnly cookie this code never sees; whether
 * there is a session is asked of the server (`GET /api/session`).
 */
class Session {
  user = $state.raw<User | null>(null);
  /** Only changing the password is allowed until it is done. */
  passwordChangeRequired = $state(false);
  /** Only setting up two-factor sign-in is allowed until it is done (the role requires it). */
  totpEnrolmentRequired = $state(false);
  totpEnabled = $state(false);
  /** False until the server has said whether the cookie holds a session. */
  ready = $state(false);
  /** Set when that check could not reach the server (as opposed to a rejected session). */
  restoreError = $state<ApiError | null>(null);
  /** Set when the session ended for lack of activity, for the login page to say so. */
  endedIdle = $state(false);
  /**
   * The server ended the session under an open page (expired, ended elsewhere, reset): the page
   * stays as it is, with what is being typed, behind a sign-in in place.
   */
  reauthRequired = $state(false);
  /**
   * The server could not be reached at start and a field worker's phone opened with the person
   * it remembered: their cached cases and outbox work; the session is checked once online.
   */
  offline = $state(false);
}

export const session = new Session();

configureApi({
  onUnauthorized: sessionLost,
  onPasswordChangeRequired: () => {
    session.passwordChangeRequired = true;
  },
  onTotpEnrolmentRequired: () => {
    session.totpEnrolmentRequired = true;
  },
  onAnswered: noteActivity,
});

function apply(view: SessionView): void {
  // The same person again keeps the same object, so the live connection is not reopened.
  if (JSON.stringify(view.user) !== JSON.stringify(session.user)) session.user = view.user;
  session.passwordChangeRequired = view.passwordChangeRequired;
  session.totpEnrolmentRequired = view.totpEnrolmentRequired;
  session.totpEnabled = view.totpEnabled;
  session.endedIdle = false;
  session.reauthRequired = false;
  session.offline = false;
  rememberUser(view.user);
  startIdleWatch(view.idleTimeoutMs, () => {
    session.endedIdle = true;
    void logout();
  });
}

export async function restoreSession(): Promise<void> {
  session.restoreError = null;
  try {
    apply(await api.session());
  } catch (error) {
    const remembered = error instanceof ApiError && error.code === 'network' ? rememberedUser() : null;
    if (remembered) {
      session.user = session.user?.id === remembered.id ? session.user : remembered;
      session.offline = true;
    }
    // A 401 has already ended the session; anything else is worth a retry.
    else if (error instanceof ApiError && error.status !== 401) session.restoreError = error;
  } finally {
    session.ready = true;
  }
}

export async function login(
  username: string,
  password: string,
  factor: { code?: string; recoveryCode?: string } = {},
): Promise<SessionView> {
  const view = await api.login(username, password, factor);
  apply(view);
  return view;
}

/** Changes one's own password; the other sessions end on the server, this one carries on. */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  apply(await api.changePassword(currentPassword, newPassword));
}

/** Starts two-factor enrolment: a new secret, its URI and QR code. */
export function startTotpEnrolment(): Promise<TotpEnrolmentView> {
  return request<TotpEnrolmentView>('POST', '/api/me/totp', {});
}

/**
 * Confirms enrolment with a code from the app. The answered session is applied by `finish`,
 * once the person has seen the recovery codes (applying it at once would leave the page that
 * shows them while enrolment is what the session was limited to).
 */
export async function confirmTotpEnrolment(
  code: string,
): Promise<{ recoveryCodes: string[]; finish(): void }> {
  const confirmed = await request<TotpConfirmedView>('POST', '/api/me/totp/confirm', { code });
  return { recoveryCodes: confirmed.recoveryCodes, finish: () => apply(confirmed.session) };
}

/** Whether the server still knows this session (a 401 signs out here too). */
export async function stillSignedIn(): Promise<boolean> {
  try {
    apply(await api.session());
    return true;
  } catch {
    return false;
  }
}

/** "Stay signed in": any answered request restarts the idle clock. */
export async function keepAlive(): Promise<void> {
  apply(await api.session());
}

export async function logout(): Promise<void> {
  stopIdleWatch();
  try {
    await api.logout();
  } catch {
    // Signing out locally matters more than telling the server.
  }
  endSession();
}

/**
 * A 401: with a page open, ask to sign in again over it (nothing typed is lost); with a forced
 * password change or enrolment showing, or nobody signed in, start from the login page.
 */
function sessionLost(): void {
  if (session.user && !session.passwordChangeRequired && !session.totpEnrolmentRequired) {
    stopIdleWatch();
    session.reauthRequired = true;
  } else endSession();
}

/** Forget who was signed in and go to the login page. */
export function endSession(): void {
  stopIdleWatch();
  forgetCopies();
  session.offline = false;
  session.reauthRequired = false;
  session.user = null;
  session.passwordChangeRequired = false;
  session.totpEnrolmentRequired = false;
  session.totpEnabled = false;
  location.hash = '#/login';
}

// A phone opened offline checks its session as soon as the network is back.
if (typeof window !== 'undefined')
  window.addEventListener('online', () => {
    if (session.offline) void restoreSession();
  });
