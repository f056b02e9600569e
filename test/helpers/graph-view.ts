import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildGraphView } from '../../shared/graph/graph-view.js';
import type { GraphView } from '../../shared/api/dto.js';
import { decodeModel } from '../../shared/onnx/decode.js';
import type { ModelProto } from '../../shared/onnx/types.js';
import { registry } from './op-registry.js';
import { repoRoot } from './paths.js';

const categories = (JSON.parse(readFileSync(path.join(repoRoot, 'resources', 'op-categories.json'), 'utf8')) as { categories: Record<string, string> }).categories;

export function viewOf(model: ModelProto, graphPath = 'main'): GraphView {
  const view = buildGraphView(model, graphPath, registry, categories);
  if (!view) throw new Error(`no graph ${graphPath}`);
  return view;
}

export function viewOfFile(file: string, graphPath = 'main'): GraphView {
  return viewOf(decodeModel(readFileSync(file)), graphPath);
}
