import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { appRoot } from '../app-paths.js';
import { askChild } from './child-pool.js';
import { feedsFromWire, feedsToWire, PHASE_MARK, type ChildRequest, type Phase } from './child-protocol.js';

export type RunnableModel = { path: string } | { bytes: Uint8Array };
export type Feeds = Record<string, ort.Tensor>;

export interface ChildModel {
  source: RunnableModel;
  /** How sentences name it: "original model", "FP16 model". */
  label: string;
  /** Where ONNX Runtime writes the graph it optimized while loading (offline optimization). */
  saveOptimizedTo?: string;
  /** This model's own optimization level, over the call's. */
  graphOptimizationLevel?: ChildRequest['graphOptimizationLevel'];
}

export type ModelRun = { outputs: Feeds } | { error: string };

export interface ModelRuns {
  /** Per model, why ONNX Runtime could not load it (null when it loaded); when any is set nothing ran. */
  loadErrors: (string | null)[];
  /** Per model, its output names in graph order. */
  outputNames: string[][];
  /** Per case, the runs that happened in model order; a case stops at the run that failed. */
  cases: ModelRun[][];
  /** When the child process died, what happened, as a clause: "ONNX Runtime crashed (SIGSEGV) while running the FP16 model". */
  crash?: string;
}

/** The compiled child script. From TypeScript sources (tests) that is the build in dist/. */
function childScript(): string {
  const here = fileURLToPath(import.meta.url);
  const script = here.endsWith('.ts') ? path.join(appRoot(), 'dist', 'electron', 'engine', 'candidate-run', 'candidate-child.js') : path.join(path.dirname(here), 'candidate-child.js');
  if (!existsSync(script)) throw new Error(`the engine is not built (${script} is missing); run \`npm run build\``);
  return script;
}

function lastPhase(stderr: string): Phase | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith(PHASE_MARK));
  const last = lines.at(-1);
  return last ? (JSON.parse(last.slice(PHASE_MARK.length)) as Phase) : undefined;
}

function crashClause(signal: NodeJS.Signals | null, code: number | null, phase: Phase | undefined, models: readonly ChildModel[]): string {
  const how = signal ? `crashed (${signal})` : `exited unexpectedly (code ${code})`;
  const during = phase ? ` while ${phase.action} the ${models[phase.model]!.label}` : ' while starting';
  return `ONNX Runtime ${how}${during}`;
}

/**
 * Loads `models` in ONNX Runtime in a child process, one after the other, and runs each case's feeds
 * through them in order; the outputs come back here. A model made by the engine can crash ONNX Runtime
 * (a segfault in an optimizer or kernel); in the child that ends one check, not the app, and `crash`
 * says which model was being loaded or run. One child per call; models given as bytes go through one
 * temporary file each, which is removed afterwards. Children are reused between checks (child-pool.ts).
 */
export async function runModelsInChild(models: readonly ChildModel[], cases: readonly Feeds[][], options: { graphOptimizationLevel?: ChildRequest['graphOptimizationLevel'] } = {}): Promise<ModelRuns> {
  const script = childScript();
  let scratch: string | undefined;
  try {
    const files: ChildRequest['models'] = [];
    for (const [i, m] of models.entries()) {
      const saved = { ...(m.saveOptimizedTo ? { saveOptimizedTo: m.saveOptimizedTo } : {}), ...(m.graphOptimizationLevel ? { graphOptimizationLevel: m.graphOptimizationLevel } : {}) };
      if ('path' in m.source) {
        files.push({ file: m.source.path, ...saved });
        continue;
      }
      scratch ??= await fs.mkdtemp(path.join(os.tmpdir(), 'onnx-studio-check-'));
      const file = path.join(scratch, `model-${i}.onnx`);
      await fs.writeFile(file, m.source.bytes);
      files.push({ file, ...saved });
    }
    const request: ChildRequest = { models: files, cases: cases.map((c) => c.map(feedsToWire)), ...options };
    const answer = await askChild(script, request);
    const reply = 'reply' in answer ? answer.reply : { crash: crashClause(answer.ended.signal, answer.ended.code, lastPhase(answer.ended.stderr), models) };
    if ('crash' in reply) return { loadErrors: models.map(() => null), outputNames: models.map(() => []), cases: [], crash: reply.crash };
    return { loadErrors: reply.loadErrors, outputNames: reply.outputNames, cases: reply.cases.map((runs) => runs.map((r) => ('outputs' in r ? { outputs: feedsFromWire(r.outputs) } : r))) };
  } finally {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  }
}
