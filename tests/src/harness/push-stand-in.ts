/**
 * Headless Chromium refuses `pushManager.subscribe` ("Registration failed - permission denied")
 * and a closed network has no push service anyway. This init script stands in for the browser's
 * side only: `subscribe` returns a subscription with a real P-256 key pair whose endpoint is
 * `endpoint` (a local receiver standing in for the push service), kept in localStorage so a
 * reload still finds it. The console, its service worker and the server run for real.
 */
export function pushStandIn(endpoint: string): string {
  return `(() => {
    const KEY = 'gs_test_push';
    const wrap = (json) => ({
      endpoint: json.endpoint,
      toJSON: () => json,
      unsubscribe: async () => { localStorage.removeItem(KEY); return true; },
    });
    const base64url = (bytes) =>
      btoa(String.fromCharCode(...bytes)).replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
    PushManager.prototype.getSubscription = async function () {
      const stored = localStorage.getItem(KEY);
      return stored ? wrap(JSON.parse(stored)) : null;
    };
    PushManager.prototype.subscribe = async function () {
      const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']);
      const publicKey = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
      const json = {
        endpoint: ${JSON.stringify(endpoint)},
        expirationTime: null,
        keys: { p256dh: base64url(publicKey), auth: base64url(crypto.getRandomValues(new Uint8Array(16))) },
      };
      localStorage.setItem(KEY, JSON.stringify(json));
      return wrap(json);
    };
  })()`;
}

/** A browser without the Push API (older Safari, some in-app browsers). */
export const NO_PUSH_API = `delete window.PushManager;`;
