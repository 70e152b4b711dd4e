/**
 * The boot count of an online status, `{"state":"online","boot":12}` (README, "Device contract"):
 * an extension a device may send when its seq starts again after a reboot. Anything else (absent,
 * not a non-negative integer) is no boot count; the status itself stays valid either way.
 */
export function decodeBoot(payload: Uint8Array): number | undefined {
  try {
    const body = JSON.parse(Buffer.from(payload).toString('utf8')) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const boot = (body as { boot?: unknown }).boot;
    return typeof boot === 'number' && Number.isSafeInteger(boot) && boot >= 0 ? boot : undefined;
  } catch {
    return undefined;
  }
}
