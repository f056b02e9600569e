import type { z } from 'zod';

/** Where each invalid value is, by its dotted path ('thresholds.maxTop1DropPoints'), with its message. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(schema: z.ZodType, value: unknown): FieldErrors {
  const r = schema.safeParse(value);
  if (r.success) return {};
  const out: FieldErrors = {};
  for (const issue of r.error.issues) {
    const key = issue.path.join('.');
    // An unknown key is reported on the object: say it on the field it names.
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === 'unrecognized_keys' && keys) for (const k of keys) out[[key, k].filter(Boolean).join('.')] = 'is not a setting of this node';
    else out[key] ??= issue.message;
  }
  return out;
}

/** 'maxTop1DropPoints' -> 'Max top1 drop points'. */
export function fieldLabel(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[-_]/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A number typed into a field: undefined when empty, the number when it parses, else the text (so its error shows). */
export function parseNumber(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** A record of dims or numbers as typed: 'input=1x3x224x224, sr=16000'. */
export function formatRecord(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return typeof value === 'string' ? value : undefined;
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('x') : String(v)}`).join(', ');
}

/** The typed text as a record, or the text itself when an entry is not NAME=VALUE (so the schema's error shows). */
export function parseRecord(text: string, dims: boolean): Record<string, unknown> | string | undefined {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    if (at <= 0) return text;
    const raw = entry.slice(at + 1).trim();
    out[entry.slice(0, at).trim()] = dims ? raw.split(/[x×]/).map((d) => parseNumber(d)) : parseNumber(raw);
  }
  return out;
}

