import { mount, unmount, type Component } from 'svelte';
import '../src/app.css';
import CaseTimeline from '../src/components/CaseTimeline.svelte';
import DeadlineCountdown from '../src/components/DeadlineCountdown.svelte';
import GridMap from '../src/components/GridMap.svelte';
import { setLocale, type Locale } from '../src/i18n/index.svelte';

/**
 * A page for component tests in real Chromium (tests/src/console-widgets.test.ts): it mounts one
 * widget with the props a test sends and records its callbacks. Built only by the test harness,
 * never into the console.
 */
const COMPONENTS = { CaseTimeline, DeadlineCountdown, GridMap } as const;
export type LabComponent = keyof typeof COMPONENTS;

interface Lab {
  mount(name: LabComponent, props: Record<string, unknown>, locale?: Locale): void;
  setLocale(locale: Locale): void;
  /** Every callback a widget made, as [callback name, ...arguments]. */
  events: unknown[][];
}

const target = document.getElementById('lab')!;
let current: Record<string, unknown> | null = null;
const events: unknown[][] = [];
const record =
  (name: string) =>
  (...args: unknown[]): void => {
    events.push([name, ...args]);
  };

const lab: Lab = {
  mount(name, props, locale = 'zh-CN') {
    setLocale(locale);
    if (current) void unmount(current);
    events.length = 0;
    const component = COMPONENTS[name] as unknown as Component<Record<string, unknown>>;
    current = mount(component, { target, props: { ...props, onselect: record('select') } });
  },
  setLocale,
  events,
};

(window as unknown as { lab: Lab }).lab = lab;
