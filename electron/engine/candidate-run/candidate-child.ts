// The child process that runs ONNX Runtime on models the engine has just made: a crash in a kernel or
// an optimizer (SIGSEGV on some FP16 recurrent graphs) ends this process, not the app.
import { writeSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { QUIET } from '../profiling/backends.js';
import { feedsFromWire, PHASE_MARK, toWire, type ChildReply, type ChildRequest, type Phase, type WireFeeds, type WireRun } from './child-protocol.js';

function announce(phase: Phase): void {
  // Synchronous, so the line is in the pipe before ONNX Runtime gets the chance to crash.
  writeSync(2, `${PHASE_MARK}${JSON.stringify(phase)}\n`);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim().replace(/\.$/, '');
}

async function serve(request: ChildRequest): Promise<ChildReply> {
  const options: ort.InferenceSession.SessionOptions = { ...QUIET, ...(request.graphOptimizationLevel ? { graphOptimizationLevel: request.graphOptimizationLevel } : {}) };
  const sessions: (ort.InferenceSession | undefined)[] = [];
  const loadErrors: (string | null)[] = [];
  try {
    for (const [model, { file, saveOptimizedTo, graphOptimizationLevel }] of request.models.entries()) {
      announce({ model, action: 'loading' });
      try {
        const own = { ...options, ...(graphOptimizationLevel ? { graphOptimizationLevel } : {}), ...(saveOptimizedTo ? { optimizedModelFilePath: saveOptimizedTo } : {}) };
        sessions.push(await ort.InferenceSession.create(file, own));
        loadErrors.push(null);
      } catch (e) {
        sessions.push(undefined);
        loadErrors.push(firstLine(e));
      }
    }
    const outputNames = sessions.map((s) => (s ? [...s.outputNames] : []));
    if (loadErrors.some((e) => e !== null)) return { loadErrors, outputNames, cases: [] };
    const cases: WireRun[][] = [];
    for (const feedsPerModel of request.cases) {
      const runs: WireRun[] = [];
      for (const [model, session] of sessions.entries()) {
        announce({ model, action: 'running' });
        try {
          const result = await session!.run(feedsFromWire(feedsPerModel[model]!));
          const outputs: WireFeeds = {};
          for (const [name, value] of Object.entries(result)) outputs[name] = toWire(value as ort.Tensor);
          runs.push({ outputs });
        } catch (e) {
          runs.push({ error: firstLine(e) });
          break;
        }
      }
      cases.push(runs);
    }
    return { loadErrors, outputNames, cases };
  } finally {
    for (const s of sessions) await s?.release();
  }
}

// Requests come one at a time (the engine waits for each reply); the child serves them until the
// engine lets it go, and ends with the IPC channel.
process.on('message', (request: ChildRequest) => {
  serve(request).then(
    (reply) => process.send!(reply),
    (e: unknown) => process.send!({ loadErrors: [firstLine(e)], outputNames: [], cases: [] } satisfies ChildReply),
  );
});
process.on('disconnect', () => process.exit(0));
