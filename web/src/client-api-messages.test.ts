import {
  CASE_ACTIONS,
  CLOSE_REASONS,
  DECLINE_REASONS,
  ESCALATION_LEVELS,
  ID_PATTERN,
  NOTICE_KINDS,
  RETURN_REASONS,
  RULE_KINDS,
  SEVERITIES,
  STANDARD_DEVICE_TYPE_NAMES,
  UPSTREAM_REASONS,
  VOID_REASONS,
} from '@gridsense/core';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_DIRS = ['web/src', 'alerts/src', 'state/src', 'core/src', 'ingest/src'];
/** Configuration errors stop a process at startup and go to its log; no console ever shows them. */
const NOT_SHOWN = new Set(['core/src/config.ts']);

/** Calls whose text arguments are messages a person may see; `skip` leading arguments are codes. */
const MESSAGE_CALLS = [
  { opening: /\berrors\.push\(/g, skip: 0 },
  { opening: /\b(?:problems|this)\.add\(/g, skip: 0 },
  { opening: /\bnew AppError\(/g, skip: 1 },
  { opening: /\brefuse\(/g, skip: 1 },
  /** The refusals in core's permission table (`permission(roles, scoped, refusal)`). */
  { opening: /\bpermission\(/g, skip: 2 },
  { opening: /\binvalid\(/g, skip: 0 },
  { opening: /\berrors: \[/g, skip: 0 },
];

/**
 * What each `${…}` in a message stands for. Several values where the server sends several shapes.
 * A new expression fails the scan.
 */
const SAMPLES: Record<string, string | readonly string[]> = {
  id: 'G07',
  role: 'handler',
  gridId: 'G13',
  expectedGridId: 'G02',
  regionId: 'S01',
  other: 'G03',
  name: 'Liucui 3',
  'o.regionId': 'G99',
  'rule.id': 'smoke-high',
  username: 'worker07',
  caseId: 'C-1024',
  'record.id': 'C-1024',
  'next.id': 'C-1024',
  'ref.departmentId': 'dept-fire',
  'ref.userId': 'u-nobody',
  'parsed.shift.scopeKind': ['grid', 'department'],
  'parsed.shift.scopeId': 'G99',
  category: 'fire_safety',
  'c.category': 'fire_safety',
  'c.subcategory': 'fire_safety.exits',
  'c.caseType': 'fire_safety.exits.blocked',
  parent: 'fire_safety',
  level: 'subcategory',
  ancestorLevel: ['community', 'street', 'district'],
  'command.assigneeId': 'u-worker06',
  MAX_EXTENSION_DAYS: '30',
  MAX_SUBTASK_DAYS: '30',
  departmentId: 'dept-fire',
  'record.state': 'closed',
  assigneeId: 'u-worker06',
  subtaskId: '12',
  'current.raterName': 'Li Na',
  SUGGESTION_TEXT_MAX: '2000',
  side: ['above', 'below'],
  clearKey: ['clearAtOrBelow', 'clearAtOrAbove'],
  'call.assigneeId': 'u-worker06',
  'suggestion.leadId': 'u-worker05',
  'user.role': 'supervisor',
  'actor.role': 'grid_worker',
  'command.action': 'dispatch',
  'current.state': 'closed',
  'current.escalationLevel': 'street',
  'request.method': 'GET',
  'request.originalUrl': '/api/nowhere',
  'rule.deviceType': 'smoke_detector',
  deviceType: 'smoke_detector',
  metric: 'temperature',
  "known.join(', ')": 'smoke, battery',
  field: ['groups', 'groups[0].categories', 'suppression[1]'],
  MAX_ENTRIES: '50',
  "notKeys.join(', ')": 'Fire!',
  "unknown.join(', ')": 'arson, flood_x',
  'range.min': '1',
  'range.max': '5000',
  'g.key': 'fire',
  "both.join(', ')": 'facility',
  toVersion: '3',
  i: '1',
  'index + 1': '2',
  'ring.length': '3',
  'BOUNDARY_LIMITS.verticesPerRing': '5000',
  'BOUNDARY_LIMITS.rings': '50',
  'BOUNDARY_LIMITS.vertices': '10000',
  'rings.length': '51',
  vertices: '10001',
  'bad - MAX_POSITION_ERRORS': '15',
  'features.length': '2',
  max: '100',
  min: '1',
  'limits.maxItems': '100000',
  'limits.maxDevices': '500',
  "Math.round(areaM2).toLocaleString('en')": '1,234',
  '(share * 100).toFixed(1)': '4.2',
  'String(date)': '2026-10-01',
  'String(geometry.type)': 'LineString',
  key: 'note',
  clock: 'accept',
  path: 'conditions[0]',
  prefix: ['', 'overrides[0].'],
  label: ['the outer ring', 'hole 1'],
  what: ['user ids', 'photo URLs'],
  message: 'the polygon has no rings',
  "ROLES.join(', ')": 'grid_worker, supervisor, handler, operator, engineer, admin',
  "AGGREGATES.join(', ')": 'mean, min, max, last, count',
  "SEVERITIES.join(', ')": SEVERITIES.join(', '),
  "STANDARD_DEVICE_TYPE_NAMES.join(', ')": STANDARD_DEVICE_TYPE_NAMES.join(', '),
  "NOTICE_KINDS.join(', ')": NOTICE_KINDS.join(', '),
  "REPORT_KINDS.join(', ')": 'day, week, month',
  "RETURN_REASONS.join(', ')": RETURN_REASONS.join(', '),
  "CLOSE_REASONS.join(', ')": CLOSE_REASONS.join(', '),
  "VOID_REASONS.join(', ')": VOID_REASONS.join(', '),
  "DECLINE_REASONS.join(', ')": DECLINE_REASONS.join(', '),
  "UPSTREAM_REASONS.join(', ')": UPSTREAM_REASONS.join(', '),
  "original.duplicateOfId ?? 'another case'": 'C-1023',
  'original.id': 'C-1024',
  "ESCALATION_LEVELS.join(', ')": ESCALATION_LEVELS.join(', '),
  "CASE_ACTIONS.join(', ')": CASE_ACTIONS.join(', '),
  "RULE_KINDS.join(', ')": RULE_KINDS.join(', '),
  "BREACH_ACTIONS.join(', ')": 'remind, escalate, supervise',
  'ID_PATTERN.source': ID_PATTERN.source,
  CONDITION_SHAPES: 'deviceType + metric + above, or eventType (+ minConfidence)',
  "PLACE_KINDS.join(', ')": 'building, shop, old_residential, construction_site, other',
  "missing.join(', ')": 'fire_exits_clear, gas_safe',
  "result.elsewhere.join(', ')": 'smoke-G01-1, smoke-G01-2',
  distanceM: '120',
  deviceId: 'smoke-G01-1',
  'place.gridId': 'G01',
  'grid.id': 'G01',
};

const QUOTES = `'"\``;
const OPENERS = '([{';
const CLOSERS = ')]}';

/** The index just past the string or template literal that starts at `start`. */
function literalEnd(source: string, start: number): number {
  const quote = source[start];
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === quote) return i + 1;
    else if (quote === '`' && source.startsWith('${', i)) i = closerOf(source, i + 2);
  }
  throw new Error(`unterminated literal at ${source.slice(start, start + 40)}`);
}

/** The index of the bracket that closes the one just before `from`; literals and comments skipped. */
function closerOf(source: string, from: number): number {
  let depth = 0;
  for (let i = from; i < source.length; i++) {
    const char = source[i]!;
    if (QUOTES.includes(char)) i = literalEnd(source, i) - 1;
    else if (source.startsWith('//', i)) i = source.indexOf('\n', i);
    else if (source.startsWith('/*', i)) i = source.indexOf('*/', i) + 1;
    else if (OPENERS.includes(char)) depth++;
    else if (CLOSERS.includes(char) && depth-- === 0) return i;
    if (i < 0) break;
  }
  throw new Error(`unbalanced brackets in ${source.slice(from, from + 60)}`);
}

/**
 * Splits at `separator` where it is outside every bracket and literal. A separator written with
 * spaces (`' ? '`) needs whitespace, a line break too, on both sides.
 */
function splitTopLevel(text: string, separator: string): string[] {
  const token = separator.trim();
  const spaced = token !== separator;
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (QUOTES.includes(char)) i = literalEnd(text, i) - 1;
    else if (OPENERS.includes(char)) depth++;
    else if (CLOSERS.includes(char)) depth--;
    else if (
      depth === 0 &&
      text.startsWith(token, i) &&
      (!spaced || (/\s/.test(text[i - 1] ?? '') && /\s/.test(text[i + token.length] ?? '')))
    ) {
      parts.push(text.slice(start, i));
      start = i + token.length;
      i = start - 1;
    }
  }
  return [...parts, text.slice(start)].map((part) => part.trim());
}

/** `cond ? a : b` → [a, b]; undefined when `text` is not a conditional. */
function branches(text: string): [string, string] | undefined {
  const [condition, ...rest] = splitTopLevel(text.replaceAll('?.', '\0.').replaceAll('??', '\0\0'), ' ? ');
  if (condition === undefined || rest.length !== 1) return undefined;
  const [then, otherwise] = splitTopLevel(rest[0]!, ' : ').map((part) => part.replaceAll('\0', '?'));
  return then !== undefined && otherwise !== undefined ? [then, otherwise] : undefined;
}

const isLiteral = (text: string): boolean =>
  QUOTES.includes(text[0] ?? '') && literalEnd(text, 0) === text.length;
const combine = (parts: string[][]): string[] =>
  parts.reduce<string[]>((done, next) => done.flatMap((head) => next.map((tail) => head + tail)), ['']);

/** The sample values of one `${…}` expression. */
function samplesOf(expression: string): string[] {
  const sample = Object.hasOwn(SAMPLES, expression) ? SAMPLES[expression] : undefined;
  if (sample !== undefined) return typeof sample === 'string' ? [sample] : [...sample];
  const conditional = branches(expression);
  if (conditional) return conditional.flatMap((branch) => valuesOf(branch) ?? samplesOf(branch));
  const [value, fallback, ...more] = splitTopLevel(expression, ' ?? ');
  if (fallback !== undefined && more.length === 0)
    return [...samplesOf(value!), ...(valuesOf(fallback) ?? [])];
  throw new Error(`no sample value for \${${expression}}: add one to SAMPLES`);
}

/** A literal's texts: each `${…}` replaced by its samples. */
function renderLiteral(literal: string): string[] {
  const body = literal.slice(1, -1);
  if (literal[0] !== '`') return [body.replace(/\\(.)/g, '$1')];
  const parts: string[][] = [];
  let text = '';
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '\\') text += body[++i];
    else if (body.startsWith('${', i)) {
      const end = closerOf(body, i + 2);
      parts.push([text], samplesOf(body.slice(i + 2, end).trim()));
      text = '';
      i = end;
    } else text += body[i];
  }
  return combine([...parts, [text]]);
}

/** The texts of a literal, a parenthesised conditional of literals, or undefined for anything else. */
function valuesOf(part: string): string[] | undefined {
  if (isLiteral(part)) return renderLiteral(part);
  if (!part.startsWith('(') || closerOf(part, 1) !== part.length - 1) return undefined;
  const inner = part.slice(1, -1).trim();
  const conditional = branches(inner);
  if (!conditional) return valuesOf(inner);
  const [then, otherwise] = conditional.map(valuesOf);
  return then && otherwise ? [...then, ...otherwise] : undefined;
}

/** Every literal in `text`, at any depth (`list.map((m) => \`boundary: ${m}\`)`). */
function literalsIn(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (!QUOTES.includes(text[i]!)) continue;
    const end = literalEnd(text, i);
    found.push(text.slice(i, end));
    i = end - 1;
  }
  return found;
}

/** The messages one argument can produce: literals joined with `+`, a list or conditional of them, or literals inside. */
function messagesIn(argument: string): string[] {
  const text = argument.replace(/^\.\.\./, '').trim();
  if (text === '') return [];
  if (text.startsWith('[') && closerOf(text, 1) === text.length - 1)
    return splitTopLevel(text.slice(1, -1), ',').flatMap(messagesIn);
  // `level === 'grid' ? 'invalid grid' : 'invalid region'`: the branches, not the condition's literals.
  const conditional = branches(text);
  if (conditional) return conditional.flatMap(messagesIn);
  // A keyed text (`apiText('notFound.grid', { id })`) is rendered from its key, not this catalogue.
  if (/\b(?:apiText|atField)\(/.test(text)) return [];
  const parts = splitTopLevel(text, ' + ').map(valuesOf);
  if (parts.every((part): part is string[] => part !== undefined)) return combine(parts);
  return literalsIn(text).flatMap(renderLiteral);
}

/** The sample messages of every message call in one source file (not those in comments). */
function messagesInSource(source: string): string[] {
  const messages: string[] = [];
  for (const { opening, skip } of MESSAGE_CALLS) {
    for (const match of source.matchAll(opening)) {
      const before = source.slice(source.lastIndexOf('\n', match.index) + 1, match.index);
      if (/\/\/|^\s*\*/.test(before)) continue;
      const start = match.index + match[0].length;
      const args = splitTopLevel(source.slice(start, closerOf(source, start)), ',');
      messages.push(...args.slice(skip).flatMap(messagesIn));
    }
  }
  return messages;
}

async function serverMessages(): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const dir of SERVER_DIRS) {
    const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true, recursive: true });
    for (const entry of entries) {
      const file = path.relative(ROOT, path.join(entry.parentPath, entry.name));
      if (!entry.isFile() || !file.endsWith('.ts') || file.endsWith('.test.ts') || NOT_SHOWN.has(file))
        continue;
      for (const message of messagesInSource(await readFile(path.join(ROOT, file), 'utf8')))
        if (!found.has(message)) found.set(message, file);
    }
  }
  return found;
}

const MESSAGES = await serverMessages();

describe('the server message scanner', () => {
  it('reads literals, templates, joined and conditional parts, lists and callbacks; skips codes', () => {
    const source = `
      errors.push('name is required');
      errors.push(\`id \${id} is already registered\`, message);
      errors.push(...parsed.errors.map((message) => \`boundary: \${message}\`));
      problems.add(\`\${path} x\` + (ok ? ' (a)' : \`-\${i}\`));
      throw new AppError('not_found', \`grid \${gridId} not found\`, ['you cannot, here', \`\${key} y\`]);
      errors.push(apiText('field.required', { field: 'name' }), atField('boundary', problem), 'plain');
      return refuse('forbidden', 'no'); // errors.push('a comment')
      return { ok: false, errors: ['body must be an object'] };`;
    expect(messagesInSource(source)).toEqual([
      'name is required',
      'id G07 is already registered',
      'boundary: the polygon has no rings',
      'plain',
      'conditions[0] x (a)',
      'conditions[0] x-1',
      'grid G13 not found',
      'you cannot, here',
      'note y',
      'no',
      'body must be an object',
    ]);
    expect(() => messagesInSource('errors.push(`${somethingNew} broke`)')).toThrow(/SAMPLES/);
  });

  it('finds no message the server sends as English prose only: each is a key (decision 0031)', () => {
    expect([...MESSAGES].map(([text, file]) => `${file}: ${text}`)).toEqual([]);
  });
});
