import type { sessionZhCN } from './session.zh-CN';

/** English texts for signing in and out, the idle warning and changing one's password. */
export const sessionEn: Record<keyof typeof sessionZhCN, string> = {
  'nav.password': 'Password',

  'login.idleEnded': 'You were signed out after a while without activity. Please sign in again.',

  'idle.title': 'Signing out soon',
  'idle.warning': 'Nothing has happened for a while: you will be signed out in {time}.',
  'idle.stay': 'Stay signed in',
  'idle.signOut': 'Sign out now',

  'password.title': 'Change password',
  'password.forcedTitle': 'Set a new password first',
  'password.forcedNote': 'Your password was set by an administrator or has expired; change it to go on.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'New password again',
  'password.rules':
    'At least 10 characters, with at least 3 of lower case, upper case, digits and other characters; not containing your username.',
  'password.mismatch': 'The two new passwords differ',
  'password.submit': 'Change password',
  'password.busy': 'Saving…',
  'password.changed': 'Password changed; your sessions elsewhere were signed out',
  'password.signOut': 'Sign out',
};
