import { encodeMessage } from '../onnx/encode.js';
import { isExternal } from '../onnx/external-data.js';
import type { TensorProto } from '../onnx/types.js';
import { interfaceNames, Renames, rewriteGraph, withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type SimplifyPass } from './simplify-pass.js';

/** The tensor's content bytes: raw_data, or the typed fields as encoded (name and doc left out). */
function contentBytes(t: TensorProto): Uint8Array {
  if (t.rawData) return t.rawData;
  const { name: _n, docString: _d, metadataProps: _m, ...content } = t;
  return encodeMessage(content, 'TensorProto');
}

/** FNV-1a over a sample of the bytes (the head and a stride through the rest): cheap on 100 MB of weights; equality is checked in full. */
function sampleHash(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  const head = Math.min(bytes.length, 4096);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  const step = Math.max(1, Math.floor(bytes.length / 4096));
  for (let i = head; i < bytes.length; i += step) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Initializers with the same element type, dims and bytes become one: readers of the copies read the
 * first. Graph inputs/outputs and external-data tensors (whose bytes are not in memory) are left alone.
 */
export const shareInitializers: SimplifyPass = {
  name: 'shared-initializers',
  run(model) {
    const graph = model.graph;
    if (!graph || (graph.initializer ?? []).length < 2) return NO_CHANGE(model);
    const iface = interfaceNames(graph);
    const buckets = new Map<string, TensorProto[]>();
    for (const t of graph.initializer ?? []) {
      if (!t.name || iface.has(t.name) || isExternal(t)) continue;
      const key = `${t.dataType ?? 0}|${(t.dims ?? []).join(',')}|${t.rawData ? `r${t.rawData.length}` : 'typed'}`;
      const list = buckets.get(key);
      if (list) list.push(t);
      else buckets.set(key, [t]);
    }
    const renames = new Renames();
    for (const list of buckets.values()) {
      if (list.length < 2) continue;
      const byHash = new Map<number, { tensor: TensorProto; bytes: Uint8Array }[]>();
      for (const t of list) {
        const bytes = contentBytes(t);
        const h = sampleHash(bytes);
        const kept = byHash.get(h) ?? [];
        const twin = kept.find((k) => sameBytes(k.bytes, bytes));
        if (twin) renames.set(t.name!, twin.tensor.name!);
        else {
          kept.push({ tensor: t, bytes });
          byHash.set(h, kept);
        }
      }
    }
    if (renames.size === 0) return NO_CHANGE(model);
    const rewritten = rewriteGraph(graph, new Set(), renames);
    const initializer = (graph.initializer ?? []).filter((t) => !renames.has(t.name ?? ''));
    return { model: withGraph(model, { ...rewritten, initializer }), changed: renames.size };
  },
};
