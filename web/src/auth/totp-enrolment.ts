import { apiText, AppError, type TotpEnrolmentView } from '@gridsense/core';
import { confirmTotpEnrolment, findTotpState, startTotpEnrolment, type Logger } from '@gridsense/state';
import QRCode from 'qrcode';
import { decodeBase32 } from './base32';
import { newRecoveryCodes } from './second-factor';
import type { SessionDeps, SignedIn } from './session-store';
import { matchTotpStep, newTotpSecret, totpUri } from './totp';

/**
 * A person turns two-factor sign-in on from a signed-in session: a new secret (sealed in the
 * database) shown as a QR code and as text, then confirmed with a code from the app, which
 * answers the ten recovery codes once. Turning it off or moving to a new phone goes through an
 * administrator's reset, so a session left open cannot swap the second factor.
 */
export function createTotpEnrolment(deps: SessionDeps & { logger: Logger }) {
  return {
    async start(signedIn: SignedIn): Promise<TotpEnrolmentView> {
      const { user } = signedIn;
      if ((await findTotpState(deps.db, user.id))?.enabled)
        throw new AppError('conflict', apiText('totp.alreadyOn'));
      const secret = newTotpSecret();
      await startTotpEnrolment(deps.db, user.id, secret);
      const uri = totpUri(user.username, secret);
      // An SVG drawn here keeps the QR library out of the console and needs only `img-src data:`.
      const svg = await QRCode.toString(uri, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
      return { secret, uri, qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
    },

    async confirm(signedIn: SignedIn, input: unknown): Promise<string[]> {
      const { code } = (typeof input === 'object' && input !== null ? input : {}) as { code?: unknown };
      if (typeof code !== 'string') throw new AppError('validation_failed', apiText('totp.codeMissing'));
      const { user } = signedIn;
      const state = await findTotpState(deps.db, user.id);
      if (state?.enabled) throw new AppError('conflict', apiText('totp.alreadyOn'));
      const secret = state?.pendingSecret ? decodeBase32(state.pendingSecret) : undefined;
      if (!secret) throw new AppError('conflict', apiText('totp.startEnrolmentFirst'));
      const step = matchTotpStep(secret, code.trim(), deps.now(), null);
      if (step === undefined)
        throw new AppError('validation_failed', apiText('totp.invalidCode'), [apiText('totp.codeMismatch')]);
      const { codes, hashes } = newRecoveryCodes();
      await confirmTotpEnrolment(deps.db, { id: user.id, name: user.displayName }, step, hashes, deps.now());
      deps.logger.info({ userId: user.id }, 'two-factor sign-in turned on');
      return codes;
    },
  };
}
