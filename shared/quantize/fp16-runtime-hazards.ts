import type { GraphIndex } from '../graph/graph-index.js';
import type { NodeProto } from '../onnx/types.js';

/** A rank-3 Transpose that moves the batch axis: perm [1,0,2] is what batch_first GRU/LSTM exports emit. */
function movesBatchAxis(node: NodeProto | undefined): boolean {
  if (node?.opType !== 'Transpose') return false;
  const perm = node.attribute?.find((a) => a.name === 'perm')?.ints?.map(Number);
  return !!perm && perm.length === 3 && perm[0] !== 0;
}

const REASON = 'ONNX Runtime fuses a MatMul with a Transpose that moves the batch axis into a float16 kernel that crashes it (SIGSEGV)';

/**
 * Why a node that has a float16 form must still stay in float32 because ONNX Runtime crashes on it, or
 * undefined. ONNX Runtime 1.30's CPU optimizer (level "all") dies with SIGSEGV while loading a model
 * where a rank-3 Transpose moving the batch axis feeds a MatMul in float16, even with a Cast to float32
 * between them; with both in float32 it loads and runs. So both stay in float32. (The same file loads
 * when ONNX Runtime's MatmulTransposeFusion is disabled, which names the optimizer at fault; Python's
 * onnxruntime 1.30 crashes on it too.)
 */
export function fp16RuntimeHazard(node: NodeProto, index: GraphIndex): string | undefined {
  const producer = (name: string) => index.nodes[index.producers.get(name)?.[0] ?? -1];
  const consumers = (name: string) => (index.consumers.get(name) ?? []).map((i) => index.nodes[i]);
  if (node.opType === 'MatMul' && (node.input ?? []).some((name) => movesBatchAxis(producer(name)))) return REASON;
  if (movesBatchAxis(node) && (node.output ?? []).some((name) => consumers(name).some((c) => c?.opType === 'MatMul'))) return REASON;
  return undefined;
}
