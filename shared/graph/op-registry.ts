/** Operator schemas as generated into resources/op-metadata.json; the registry answers lookups on them. */

export interface OpParam {
  name: string;
  typeStr: string;
  option: 'single' | 'optional' | 'variadic';
  description: string;
}

export interface OpAttributeSchema {
  name: string;
  type: string;
  required: boolean;
  description: string;
  default?: unknown;
}

export interface OpVersionSchema {
  sinceVersion: number;
  deprecated: boolean;
  minInputs: number;
  maxInputs: number;
  minOutputs: number;
  maxOutputs: number;
  inputs: OpParam[];
  outputs: OpParam[];
  attributes: OpAttributeSchema[];
  typeConstraints: { name: string; allowed: string[]; description: string }[];
}

export interface OpSchemaEntry {
  domain: string;
  name: string;
  doc: string;
  versions: OpVersionSchema[];
}

export interface OpMetadataFile {
  onnxVersion: string;
  maxOpset: Record<string, number>;
  ops: OpSchemaEntry[];
}

export type OpLookup =
  | { kind: 'found'; schema: OpVersionSchema; entry: OpSchemaEntry }
  /** The op exists, but only from a newer opset than the one imported. */
  | { kind: 'too-new'; firstVersion: number }
  /** Not an op of this domain at any opset the metadata knows. */
  | { kind: 'unknown'; domainKnown: boolean; newerThanKnown: boolean };

/** 'ai.onnx' and '' name the same default domain. */
export function normalizeDomain(domain: string | undefined): string {
  return !domain || domain === 'ai.onnx' ? '' : domain;
}

export class OpRegistry {
  private readonly byKey = new Map<string, OpSchemaEntry>();

  constructor(readonly data: OpMetadataFile) {
    for (const op of data.ops) this.byKey.set(`${op.domain}:${op.name}`, op);
  }

  entry(domain: string | undefined, opType: string): OpSchemaEntry | undefined {
    return this.byKey.get(`${normalizeDomain(domain)}:${opType}`);
  }

  /** The schema an op binds to: its newest version not newer than the imported opset. */
  lookup(domain: string | undefined, opType: string, opset: number): OpLookup {
    const d = normalizeDomain(domain);
    const entry = this.byKey.get(`${d}:${opType}`);
    const max = this.data.maxOpset[d];
    if (!entry) return { kind: 'unknown', domainKnown: max !== undefined, newerThanKnown: max !== undefined && opset > max };
    let schema: OpVersionSchema | undefined;
    for (const v of entry.versions) if (v.sinceVersion <= opset) schema = v;
    if (!schema) return { kind: 'too-new', firstVersion: entry.versions[0]!.sinceVersion };
    return { kind: 'found', schema, entry };
  }
}
