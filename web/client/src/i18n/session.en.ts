import type { sessionZhCN } from './session.zh-CN';

/** English texts for signing in and out, the idle warning, one's password and two-factor sign-in. */
export const sessionEn: Record<keyof typeof sessionZhCN, string> = {
  'nav.password': 'Password',
  'nav.totp': 'Two-factor sign-in',

  'login.idleEnded': 'You were signed out after a while without activity. Please sign in again.',
  'login.code': 'Code',
  'login.codeNote': 'Enter the 6-digit code from your authenticator app.',
  'login.recoveryCode': 'Recovery code',
  'login.useRecoveryCode': 'Use a recovery code',
  'login.useCode': 'Use a code',

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

  'totp.title': 'Two-factor sign-in',
  'totp.forcedTitle': 'Set up two-factor sign-in first',
  'totp.forcedNote': 'Your role signs in with a code as well as the password; set it up to go on.',
  'totp.intro':
    'Once on, signing in asks for the 6-digit code of an authenticator app (such as Microsoft Authenticator or Google Authenticator) as well as your password.',
  'totp.start': 'Set it up',
  'totp.scan': 'Scan the QR code with your authenticator app:',
  'totp.qrAlt': 'QR code for two-factor sign-in',
  'totp.manual': 'If you cannot scan it, type this key into the app:',
  'totp.code': 'The 6-digit code the app shows',
  'totp.confirm': 'Turn it on',
  'totp.busy': 'Checking…',
  'totp.enabled': 'Two-factor sign-in is on.',
  'totp.recoveryNote':
    'These recovery codes are shown this once: write them down or print them and keep them safe. If you lose your phone, each one signs in once instead of a code.',
  'totp.finish': 'I have kept the recovery codes',
  'totp.isOn':
    'Two-factor sign-in is on. For a new phone or lost recovery codes, ask an administrator to reset it.',
};
