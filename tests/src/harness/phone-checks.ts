import type { Page } from 'playwright-core';

/**
 * Layout checks for a phone-sized page. The browser-side code is a string because the tests'
 * TypeScript has no DOM types (and should not: it runs in Node).
 */

/** Elements sticking out past the right edge (empty when nothing scrolls sideways). */
export async function findHorizontalOverflow(
  page: Page,
): Promise<{ scrollWidth: number; culprits: string[] }> {
  return page.evaluate(`(() => {
    const width = document.documentElement.clientWidth;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1 && !el.closest('[aria-hidden="true"]');
      })
      .slice(0, 8)
      .map((el) => el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' right=' + Math.round(el.getBoundingClientRect().right));
    return { scrollWidth: document.scrollingElement.scrollWidth - width, culprits };
  })()`);
}

/**
 * Tap targets smaller than `min` CSS px either way. Exempt, as WCAG 2.5.8 does: links inline in
 * text, and shapes inside an SVG drawing (map polygons; their size is the geography). A checkbox
 * counts by its label, which is what a thumb hits.
 */
export async function findSmallTouchTargets(page: Page, min = 44): Promise<string[]> {
  return page.evaluate(`(() => {
    const selector = 'a[href], button, select, input:not([type="hidden"]), textarea, [role="button"], [tabindex]:not([tabindex="-1"])';
    return [...document.querySelectorAll(selector)]
      .filter((el) => el.getClientRects().length > 0 && !el.closest('svg') && getComputedStyle(el).visibility !== 'hidden')
      .filter((el) => !(el.tagName === 'A' && getComputedStyle(el).display === 'inline'))
      .map((el) => {
        const target = (el.type === 'checkbox' || el.type === 'radio') && el.closest('label') ? el.closest('label') : el;
        const box = target.getBoundingClientRect();
        return { el, width: Math.round(box.width), height: Math.round(box.height) };
      })
      .filter(({ width, height }) => width < ${min} || height < ${min})
      .map(({ el, width, height }) => el.outerHTML.slice(0, 100) + ' → ' + width + '×' + height);
  })()`);
}
