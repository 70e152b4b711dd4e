import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** axe-core from node_modules, injected into the page under test (nothing is fetched). */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface AxeViolation {
  id: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary: string }[];
}

interface AxeApi {
  run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }>;
}

/**
 * Runs axe on the page as it is now (WCAG 2.1 A/AA rules plus best practices) and returns the
 * violations; `exclude` takes selectors axe should not look into.
 */
export async function findAxeViolations(page: Page, exclude: string[] = []): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => 'axe' in globalThis);
  // Evaluated through the debugging protocol, not as a <script> tag: the console's
  // Content-Security-Policy refuses inline scripts, and the page under test keeps its policy.
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(
    async ({ exclude }) => {
      const axe = (globalThis as unknown as { axe: AxeApi }).axe;
      const result = await axe.run(
        { include: [['html']], exclude: exclude.map((selector) => [selector]) },
        { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } },
      );
      return result.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
        id,
        impact,
        help,
        helpUrl,
        nodes: nodes.map(({ target, html, failureSummary }) => ({ target, html, failureSummary })),
      }));
    },
    { exclude },
  );
}

/** Only what blocks people: serious and critical. */
export function seriousViolations(violations: readonly AxeViolation[]): AxeViolation[] {
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** One line per violation and node, readable in a failed assertion. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .flatMap((violation) =>
      violation.nodes.map(
        (node) =>
          `${violation.impact} ${violation.id}: ${violation.help} — ${node.target.join(' ')} ${node.html.slice(0, 120)}`,
      ),
    )
    .join('\n');
}

/** Fails the test with one line per serious or critical violation on the page as it is now. */
export async function expectNoSeriousViolations(page: Page): Promise<void> {
  expect(describeViolations(seriousViolations(await findAxeViolations(page)))).toBe('');
}
