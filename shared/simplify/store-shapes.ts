import { inferShapes } from '../analysis/shape-inference.js';
import type { Dim } from '../model/tensor-info.js';
import { shapeOf } from '../model/tensor-info.js';
import type { TypeProto, ValueInfoProto } from '../onnx/types.js';
import { withGraph } from './graph-rewrite.js';
import { NO_CHANGE, type PassContext, type SimplifyPass } from './simplify-pass.js';

function typeProto(elemType: number, shape: Dim[] | null): TypeProto {
  if (!shape) return { tensorType: { elemType } };
  return { tensorType: { elemType, shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) } } };
}

function sameFacts(v: ValueInfoProto | undefined, elemType: number, shape: Dim[] | null): boolean {
  if (!v || v.type?.tensorType?.elemType !== elemType) return false;
  const declared = shapeOf(v.type);
  if (!declared || !shape) return declared === shape;
  return declared.length === shape.length && declared.every((d, k) => d === shape[k]);
}

/**
 * The symbols a stored shape may name: those of the graph's inputs. Symbols inference makes up for sizes
 * the data decides (how many boxes NonZero or TopK keep) are stored as unknown dims: ONNX Runtime 1.30's
 * optimizer, given a named dim on a data-sized TopK output, folds sizes downstream of it into the
 * constant of whatever it saw (retinanet's box count became 0, and its Reshape then fails on every image).
 */
function inputSymbols(graph: { input?: ValueInfoProto[] }): Set<string> {
  const names = new Set<string>();
  for (const v of graph.input ?? []) for (const d of shapeOf(v.type) ?? []) if (typeof d === 'string') names.add(d);
  return names;
}

/**
 * Writes the inferred element type and shape of every intermediate value into value_info, so the
 * backends' parsers (TensorRT, NCNN, RKNN) see shapes without running inference of their own.
 * Values inference knows nothing of keep what the file said.
 */
export const storeShapes: SimplifyPass = {
  name: 'value-info',
  run(model, ctx: PassContext) {
    const graph = model.graph;
    if (!graph) return NO_CHANGE(model);
    const { facts } = inferShapes(model, { inputShapes: { ...ctx.inputShapes } });
    const declared = new Map((graph.valueInfo ?? []).map((v) => [v.name ?? '', v]));
    const skip = new Set([...(graph.input ?? []), ...(graph.output ?? [])].map((v) => v.name ?? ''));
    for (const t of graph.initializer ?? []) skip.add(t.name ?? '');
    const symbols = inputSymbols(graph);
    const storable = (shape: Dim[] | null) => shape && shape.map((d) => (typeof d === 'string' && !symbols.has(d) ? null : d));
    let changed = 0;
    const valueInfo: ValueInfoProto[] = [];
    const seen = new Set<string>();
    for (const node of graph.node ?? []) {
      for (const name of node.output ?? []) {
        if (!name || skip.has(name) || seen.has(name)) continue;
        seen.add(name);
        const f = facts.get(name);
        const old = declared.get(name);
        if (!f || !f.elemType) {
          if (old) valueInfo.push(old);
          continue;
        }
        const shape = storable(f.shape);
        if (sameFacts(old, f.elemType, shape)) valueInfo.push(old!);
        else {
          valueInfo.push({ ...(old ?? {}), name, type: typeProto(f.elemType, shape) });
          changed++;
        }
      }
    }
    // At dims the user fixed, graph outputs (names kept) get more specific dims too: a symbol or
    // unknown becomes the number inference found. Without fixed dims the model's own claims stand.
    const fixedDims = Object.keys(ctx.inputShapes).length > 0;
    const output = (graph.output ?? []).map((v) => {
      if (!fixedDims) return v;
      const declaredShape = shapeOf(v.type);
      const f = facts.get(v.name ?? '');
      if (!declaredShape || !f?.shape || f.shape.length !== declaredShape.length || !v.type?.tensorType) return v;
      const sharper = declaredShape.map((d, k) => (typeof d !== 'number' && typeof f.shape![k] === 'number' ? f.shape![k]! : d));
      if (sharper.every((d, k) => d === declaredShape[k])) return v;
      changed++;
      return { ...v, type: { ...v.type, tensorType: { ...v.type.tensorType, shape: typeProto(0, sharper).tensorType!.shape! } } };
    });
    if (changed === 0) return NO_CHANGE(model);
    return { model: withGraph(model, { ...graph, valueInfo, output }), changed };
  },
};
