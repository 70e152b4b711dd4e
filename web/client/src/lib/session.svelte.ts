import type { User } from '@gridsense/core';
import { ApiError, api, configureApi } from './api';

const TOKEN_KEY = 'gs_token';

class Session {
  token = $state<string | null>(localStorage.getItem(TOKEN_KEY));
  user = $state.raw<User | null>(null);
  /** False until a stored token has been checked against /api/me. */
  ready = $state(false);
  /** Set when that check could not reach the server (as opposed to a rejected token). */
  restoreError = $state<ApiError | null>(null);
}

export const session = new Session();

configureApi({ token: () => session.token, onUnauthorized: endSession });

export async function restoreSession(): Promise<void> {
  session.restoreError = null;
  if (!session.token) {
    session.ready = true;
    return;
  }
  try {
    session.user = await api.me();
  } catch (error) {
    // A 401 has already ended the session; anything else keeps the token for a retry.
    if (error instanceof ApiError && error.status !== 401) session.restoreError = error;
  } finally {
    session.ready = true;
  }
}

export async function login(username: string, password: string): Promise<User> {
  const { token, user } = await api.login(username, password);
  localStorage.setItem(TOKEN_KEY, token);
  session.token = token;
  session.user = user;
  return user;
}

export async function logout(): Promise<void> {
  try {
    await api.logout();
  } catch {
    // Signing out locally matters more than telling the server.
  }
  endSession();
}

/** Forget the token and go to the login page. */
export function endSession(): void {
  localStorage.removeItem(TOKEN_KEY);
  session.token = null;
  session.user = null;
  location.hash = '#/login';
}
