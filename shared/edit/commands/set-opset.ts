import { z } from 'zod';
import { convertOpset, type ConvertResult } from '../../convert/opset-converter.js';
import type { ModelProto } from '../../onnx/types.js';
import type { EditCommand } from '../command.js';

type Params = { domain: string; version: number | null };

const norm = (d: string | undefined) => (!d || d === 'ai.onnx' ? '' : d);

/** check and apply see the same model and version: convert once. */
const conversions = new WeakMap<ModelProto, Map<number, ConvertResult | string>>();

function converted(model: ModelProto, version: number): ConvertResult | string {
  let byVersion = conversions.get(model);
  if (!byVersion) conversions.set(model, (byVersion = new Map()));
  let result = byVersion.get(version);
  if (result === undefined) {
    try {
      result = convertOpset(model, version);
    } catch (e) {
      result = e instanceof Error ? e.message : String(e);
    }
    byVersion.set(version, result);
  }
  return result;
}

/**
 * Sets the opset a domain is imported at. For the default domain this converts the model (every node
 * whose operator changed between the versions is rewritten, or the edit is refused naming the node), so
 * a model never declares a version its nodes do not mean. Other domains only change the declared version;
 * with version null their import is removed.
 */
export const setOpset: EditCommand<Params> = {
  id: 'setOpset',
  params: z.object({ domain: z.string().max(200), version: z.number().int().min(1).max(1000).nullable() }).strict(),
  label: (p) => (p.version === null ? `Remove opset ${p.domain || 'ai.onnx'}` : `${norm(p.domain) === '' ? 'Convert to' : 'Set'} opset ${p.domain || 'ai.onnx'} ${p.version}`),
  check(model, p) {
    if (p.version === null && (model.graph?.node ?? []).some((n) => norm(n.domain) === norm(p.domain))) return `Nodes still use the ${p.domain || 'ai.onnx'} domain; its opset cannot be removed.`;
    if (norm(p.domain) === '') {
      if (p.version === null) return 'The default ai.onnx opset cannot be removed; convert to another version instead.';
      const hasDefault = (model.opsetImport ?? []).some((o) => norm(o.domain) === '');
      if (hasDefault) {
        const result = converted(model, p.version);
        if (typeof result === 'string') return result;
      }
    }
    return true;
  },
  apply(model, p) {
    if (norm(p.domain) === '' && p.version !== null && (model.opsetImport ?? []).some((o) => norm(o.domain) === '')) {
      const result = converted(model, p.version);
      if (typeof result === 'string') throw new Error(result);
      return result.model;
    }
    const others = (model.opsetImport ?? []).filter((o) => norm(o.domain) !== norm(p.domain));
    const existing = (model.opsetImport ?? []).find((o) => norm(o.domain) === norm(p.domain));
    if (p.version === null) return { ...model, opsetImport: others };
    const entry = { ...(existing ?? { domain: p.domain }), version: p.version };
    return { ...model, opsetImport: existing ? (model.opsetImport ?? []).map((o) => (o === existing ? entry : o)) : [...others, entry] };
  },
};
