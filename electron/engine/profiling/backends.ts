import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../../shared/onnx/encode.js';

import type { BackendInfo } from '../../../shared/api/dto.js';

export type { BackendInfo };

/** Execution providers by onnxruntime-node's name for them, in the order users look for them. */
const KNOWN: [id: string, name: string][] = [
  ['cpu', 'ONNX Runtime CPU'],
  ['cuda', 'ONNX Runtime CUDA'],
  ['tensorrt', 'TensorRT'],
  ['dml', 'DirectML'],
  ['coreml', 'CoreML'],
  ['webgpu', 'WebGPU'],
];

/** A one-node model (Identity on 1 float) that any provider can load: the cheapest real probe. */
function probeModel(): Uint8Array {
  const value = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 1 }] } } } });
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'probe', node: [{ opType: 'Identity', input: ['x'], output: ['y'] }], input: [value('x')], output: [value('y')] },
  });
}

/** ONNX Runtime logs to the terminal on its own; only fatal errors should reach the user's console. */
export const QUIET = { logSeverityLevel: 4 as const };

const probes = new Map<string, Promise<BackendInfo>>();

function firstSentence(message: string): string {
  return message.split('\n')[0]!.replace(/\s+/g, ' ').trim().replace(/\.$/, '').slice(0, 200);
}

/** Probes one provider by loading a one-node model with it alone; cached per process. */
function probe(id: string, name: string): Promise<BackendInfo> {
  let result = probes.get(id);
  if (!result) {
    ort.env.logLevel = 'fatal';
    result = (async () => {
      try {
        const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [id], ...QUIET });
        await session.release();
        return { id, name, available: true };
      } catch (e) {
        return { id, name, available: false, reason: `${name} is not available on this machine: ${firstSentence(e instanceof Error ? e.message : String(e))}.` };
      }
    })();
    probes.set(id, result);
  }
  return result;
}

/** Which execution providers work on this machine, each with the reason when it does not. */
export async function listBackends(): Promise<BackendInfo[]> {
  const out: BackendInfo[] = [];
  for (const [id, name] of KNOWN) out.push(await probe(id, name));
  return out;
}

/** The backend's entry, or a clear error naming it and why it cannot be used; probes only that one. */
export async function requireBackend(id: string): Promise<BackendInfo> {
  const known = KNOWN.find(([k]) => k === id);
  if (!known) throw new Error(`unknown backend '${id}'; use one of ${KNOWN.map(([k]) => k).join(', ')}`);
  const info = await probe(known[0], known[1]);
  if (!info.available) throw new Error(info.reason!);
  return info;
}
