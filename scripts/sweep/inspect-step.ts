// The inspect column: the app reads the file and agrees with python3-onnx on opset, nodes and inputs.
import { fail, pass, refused, timedOut, type Cell } from './cell.js';
import type { SweepContext } from './sweep-context.js';
import { userMessage, type ProcessResult } from './run-process.js';

interface InspectJson {
  opsets: Record<string, number>;
  graph: { nodeCount: number; inputs: { name: string }[] };
}

/** Shared by the CLI-backed columns: a failed command is a refusal only when it says one clean sentence. */
export function failedCommand(r: ProcessResult, what: string): Cell {
  if (r.timedOut) return timedOut(`${what} did not finish in the model's time limit`);
  const { line, clean } = userMessage(r.stderr);
  if (r.code === 1 && clean) return refused(line);
  return fail(`${what} exited with ${r.code ?? 'a signal'}${clean ? '' : ' and no one-line message'}: ${line.slice(0, 200)}`);
}

export async function inspectStep(ctx: SweepContext): Promise<Cell> {
  const r = await ctx.cli(['inspect', ctx.modelPath, '--json']);
  if (r.code !== 0) {
    const cell = failedCommand(r, 'inspect');
    // Reading a valid file is never a refusal.
    return cell.status === 'refused' ? fail(`inspect refused a valid file: ${cell.text}`) : cell;
  }
  const info = JSON.parse(r.stdout) as InspectJson;
  const opset = info.opsets[''] ?? info.opsets['ai.onnx'];
  const problems: string[] = [];
  if (opset !== ctx.model.opset) problems.push(`opset ${opset} where python3-onnx reads ${ctx.model.opset}`);
  if (info.graph.nodeCount !== ctx.model.nodes) problems.push(`${info.graph.nodeCount} nodes where python3-onnx counts ${ctx.model.nodes}`);
  const wanted = ctx.model.inputs.map((i) => i.name).sort().join(',');
  const got = info.graph.inputs.map((i) => i.name).sort().join(',');
  if (wanted !== got) problems.push(`inputs ${got} where python3-onnx lists ${wanted}`);
  return problems.length ? fail(problems.join('; ')) : pass(`${info.graph.inputs.length} input${info.graph.inputs.length === 1 ? '' : 's'}, ${(r.seconds).toFixed(1)} s`);
}
