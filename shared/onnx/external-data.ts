import type { TensorProto } from './types.js';

/** Where a tensor's bytes live when `data_location = EXTERNAL`. */
export interface ExternalDataRef {
  /** Path relative to the model's folder, as written in the file. */
  location: string;
  offset: number;
  /** Undefined means "to the end of the file". */
  length?: number;
}

export const EXTERNAL = 1;

export function isExternal(t: TensorProto): boolean {
  return t.dataLocation === EXTERNAL;
}

function parseCount(key: string, value: string | undefined, tensor: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new Error(`tensor '${tensor}' has an external-data ${key} '${value}' that is not a whole number`);
  }
  return n;
}

/**
 * Reads and checks a tensor's external-data entry. The location must stay inside the model's folder
 * (no absolute paths, no '..'), as the ONNX spec requires; a hostile model must not read other files.
 */
export function externalDataRef(t: TensorProto): ExternalDataRef {
  const name = t.name ?? '';
  const entries = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entries.get('location');
  if (!location) throw new Error(`tensor '${name}' is stored externally but names no location`);
  const parts = location.split(/[\\/]+/);
  if (/^([a-zA-Z]:)?[\\/]/.test(location) || parts.includes('..')) {
    throw new Error(`tensor '${name}' points outside the model's folder ('${location}'); external data must be a relative path inside it`);
  }
  const offset = parseCount('offset', entries.get('offset'), name) ?? 0;
  const length = parseCount('length', entries.get('length'), name);
  return { location: parts.filter((p) => p && p !== '.').join('/'), offset, ...(length === undefined ? {} : { length }) };
}

/** Returns a copy of the tensor's external-data entries with location/offset/length replaced. */
export function withExternalRef(t: TensorProto, ref: Required<ExternalDataRef>): TensorProto {
  const kept = (t.externalData ?? []).filter((e) => !['location', 'offset', 'length'].includes(e.key ?? ''));
  return {
    ...t,
    externalData: [
      { key: 'location', value: ref.location },
      { key: 'offset', value: String(ref.offset) },
      { key: 'length', value: String(ref.length) },
      ...kept,
    ],
  };
}
