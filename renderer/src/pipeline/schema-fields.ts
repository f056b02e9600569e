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
