import type { Page } from 'playwright-core';

const LISTENER = `(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') + ' at ' + event.sourceFile + ':' + event.lineNumber);
  });
})()`;

/**
 * Records Content-Security-Policy violations in a page from its next load on: the DOM's
 * `securitypolicyviolation` events and Chromium's console reports ("Refused to …"), which also
 * cover what happened before a listener could run. Returns a reader of everything seen so far.
 */
export async function watchCspViolations(page: Page): Promise<() => Promise<string[]>> {
  const reported: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
      reported.push(message.text());
  });
  await page.context().addInitScript(LISTENER);
  return async () => {
    const events = (await page.evaluate('window.__cspViolations ?? []')) as string[];
    return [...events, ...reported];
  };
}
