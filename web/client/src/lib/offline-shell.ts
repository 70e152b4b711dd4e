/**
 * Registers the service worker (`public/sw.js`), which keeps the console's shell (index.html and
 * its hashed scripts and styles) so a phone opens the console with no network; it also shows
 * Web Push notices. Browsers allow service workers on https and on localhost only.
 */
export function registerOfflineShell(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js').catch((error: unknown) => {
    console.warn('the service worker did not register', error);
  });
}
