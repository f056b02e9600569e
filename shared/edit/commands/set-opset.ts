import { z } from 'zod';
import type { EditCommand } from '../command.js';

type Params = { domain: string; version: number | null };

/** Sets (or, with version null, removes) the opset a domain is imported at. The validator then flags ops it no longer fits. */
export const setOpset: EditCommand<Params> = {
  id: 'setOpset',
  params: z.object({ domain: z.string().max(200), version: z.number().int().min(1).max(1000).nullable() }).strict(),
  label: (p) => (p.version === null ? `Remove opset ${p.domain || 'ai.onnx'}` : `Set opset ${p.domain || 'ai.onnx'} to ${p.version}`),
  check(model, p) {
    const norm = (d: string | undefined) => (!d || d === 'ai.onnx' ? '' : d);
    if (p.version === null && (model.graph?.node ?? []).some((n) => norm(n.domain) === norm(p.domain))) return `Nodes still use the ${p.domain || 'ai.onnx'} domain; its opset cannot be removed.`;
    return true;
  },
  apply(model, p) {
    const norm = (d: string | undefined) => (!d || d === 'ai.onnx' ? '' : d);
    const others = (model.opsetImport ?? []).filter((o) => norm(o.domain) !== norm(p.domain));
    const existing = (model.opsetImport ?? []).find((o) => norm(o.domain) === norm(p.domain));
    if (p.version === null) return { ...model, opsetImport: others };
    const entry = { ...(existing ?? { domain: p.domain }), version: p.version };
    return { ...model, opsetImport: existing ? (model.opsetImport ?? []).map((o) => (o === existing ? entry : o)) : [...others, entry] };
  },
};
