import { UsageError } from './usage-error.js';

/**
 * The CLI's own option parser. node:util's parseArgs words its errors for programmers ("To specify a
 * positional argument starting with a '-', place it at the end...") and cannot negate a flag on
 * Node 20, so every command line goes through this table-driven parser instead, which also
 * validates numbers and choices where they enter and writes each command's --help from the same table.
 */
export interface OptionSpec {
  kind: 'string' | 'boolean' | 'integer' | 'number';
  /** One-letter alias, such as 'o' for -o. */
  short?: string;
  /** May be given more than once; the values are collected in order. Strings only. */
  multiple?: boolean;
  /** A boolean that also takes --no-NAME: needed wherever a preset may already have turned it on. */
  negatable?: boolean;
  /** The accepted values of a string option. */
  choices?: readonly string[];
  /** Inclusive bounds of an integer or number option. */
  min?: number;
  max?: number;
  /** What the value is called in the help, such as DIR or N. */
  placeholder?: string;
  help: string;
}

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S['multiple'] extends true
  ? string[]
  : S['kind'] extends 'boolean'
    ? boolean
    : S['kind'] extends 'integer' | 'number'
      ? number
      : string;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]?: ValueOf<T[K]> } & { json?: boolean };

export interface Parsed<T extends OptionTable> {
  options: OptionValues<T>;
  positionals: string[];
}

/** Every command takes --json (DESIGN.md, "Command line"). */
export const JSON_OPTION: OptionSpec = { kind: 'boolean', help: 'machine-readable output on stdout' };

/** Levenshtein distance, to suggest the option the user probably meant. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length]!;
}

function flagNames(table: OptionTable): string[] {
  return Object.entries(table).flatMap(([name, spec]) => [`--${name}`, ...(spec.negatable ? [`--no-${name}`] : [])]);
}

function unknownOption(command: string, flag: string, table: OptionTable): UsageError {
  const near = flagNames(table)
    .map((f) => ({ f, d: distance(flag, f) }))
    .filter((x) => x.d <= 2)
    .sort((x, y) => x.d - y.d)[0];
  return new UsageError(`${command} has no option '${flag}'${near ? ` (did you mean '${near.f}'?)` : ''}`, command);
}

function convert(command: string, flag: string, spec: OptionSpec, raw: string): string | number {
  if (spec.kind === 'integer' || spec.kind === 'number') {
    const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw.trim()) ? Number(raw) : NaN;
    const whole = spec.kind === 'integer';
    const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? ` of at least ${spec.min}` : '';
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n)) || (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
      throw new UsageError(`${command}: ${flag} takes ${whole ? 'a whole number' : 'a number'}${range}, not '${raw}'`, command);
    }
    return n;
  }
  if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${command}: ${flag} must be one of ${spec.choices.join(', ')}, not '${raw}'`, command);
  return raw;
}

/** A token that reads as an option rather than a value ('-' alone means stdin by convention, and negative numbers are values). */
function looksLikeOption(token: string): boolean {
  return token.startsWith('-') && token !== '-' && !/^-\d/.test(token);
}

/**
 * Parses argv against the table. Options may come before, between or after positionals; `--` ends
 * the options. Values are given as `--name VALUE`, `--name=VALUE`, `-o VALUE` or `-oVALUE`; a value
 * that starts with '-' must use the `=` form, so a forgotten value is never mistaken for one.
 */
export function parseOptions<T extends OptionTable>(command: string, argv: readonly string[], table: T): Parsed<T> {
  const all: OptionTable = { ...table, json: table.json ?? JSON_OPTION };
  // Own keys only: '--constructor' or '--__proto__' must not find Object's members.
  const specOf = (name: string): OptionSpec | undefined => (Object.hasOwn(all, name) ? all[name] : undefined);
  const byShort = new Map(Object.entries(all).flatMap(([name, spec]) => (spec.short ? [[spec.short, name] as const] : [])));
  const options: Record<string, string | number | boolean | string[]> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!looksLikeOption(token)) {
      positionals.push(token);
      continue;
    }
    let name: string;
    let flag: string;
    let inline: string | undefined;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      flag = eq < 0 ? token : token.slice(0, eq);
      inline = eq < 0 ? undefined : token.slice(eq + 1);
      name = flag.slice(2);
    } else {
      flag = token.slice(0, 2);
      const long = byShort.get(token[1]!);
      if (!long) throw unknownOption(command, flag, all);
      name = long;
      if (token.length > 2) inline = token[2] === '=' ? token.slice(3) : token.slice(2);
    }
    let spec = specOf(name);
    let negated = false;
    if (!spec && name.startsWith('no-') && specOf(name.slice(3))?.negatable) {
      name = name.slice(3);
      spec = specOf(name)!;
      negated = true;
    }
    if (!spec && name.startsWith('no-') && specOf(name.slice(3))?.kind === 'boolean') {
      throw new UsageError(`${command}: --${name.slice(3)} is off unless given, so there is no ${flag}; leave it out instead`, command);
    }
    if (!spec) throw unknownOption(command, flag, all);
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`${command}: ${flag} is a switch and takes no value (got '${inline}')`, command);
      options[name] = !negated;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) {
        const placeholder = spec.placeholder ?? spec.choices?.join('|');
        throw new UsageError(`${command}: ${flag} needs a value${placeholder ? ` (${flag} ${placeholder})` : ''}${next !== undefined ? `; write ${flag}=${next} if the value really starts with '-'` : ''}`, command);
      }
      raw = next;
      i++;
    }
    const value = convert(command, flag, spec, raw);
    if (spec.multiple) ((options[name] ??= []) as string[]).push(String(value));
    else options[name] = value;
  }
  return { options: options as OptionValues<T>, positionals };
}

/** The --help text of a command, written from the same table the parser reads. */
export function formatHelp(command: string, usage: string[], description: string, table: OptionTable, notes: string[] = []): string {
  const rows = Object.entries({ ...table, json: table.json ?? JSON_OPTION }).map(([name, spec]) => {
    const value = spec.kind === 'boolean' ? '' : ` ${spec.placeholder ?? (spec.choices ? spec.choices.join('|') : spec.kind === 'string' ? 'VALUE' : 'N')}`;
    const names = [spec.short ? `-${spec.short}, ` : '', `--${name}${value}`, spec.negatable ? `, --no-${name}` : ''].join('');
    return [names, spec.help + (spec.multiple ? ' (repeatable)' : '')] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.min(34, Math.max(...rows.map(([n]) => n.length)) + 2);
  const lines = [
    // Continuation lines of a long usage line line up under its first argument.
    ...usage.map((u, i) => (i === 0 ? `Usage: onnx-studio ${command} ${u}` : `${' '.repeat(`Usage: onnx-studio ${command} `.length)}${u}`).trimEnd()),
    '',
    description,
    '',
    'Options:',
    ...rows.map(([n, h]) => (n.length + 2 > width ? `  ${n}\n  ${' '.repeat(width)}${h}` : `  ${n.padEnd(width)}${h}`)),
  ];
  if (notes.length > 0) lines.push('', ...notes);
  return lines.join('\n');
}
