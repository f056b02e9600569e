import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';
import { EngineError } from '../../../shared/api/errors.js';
import type { MethodArgs } from '../../../shared/api/methods.js';
import { parseShapeRange, type ShapeRange } from '../../../shared/deploy/shape-ranges.js';
import type { ExportResult } from '../../../shared/deploy/export-types.js';
import type { JobContext } from '../jobs.js';
import { exportBundle, type ExportEngine } from './export-bundle.js';
import { assertLocalFileAccess } from '../call-context.js';

/** Every file below a folder, as zip entries named relative to it (Unix modes kept for build-engine.sh). */
async function zipFolder(dir: string): Promise<Uint8Array> {
  const entries: Record<string, [Uint8Array, { os: number; attrs: number }]> = {};
  for (const rel of (await fs.readdir(dir, { recursive: true })) as string[]) {
    const file = path.join(dir, rel);
    const stat = await fs.stat(file);
    if (!stat.isFile()) continue;
    entries[rel.split(path.sep).join('/')] = [await fs.readFile(file), { os: 3, attrs: (stat.mode & 0o777) << 16 }];
  }
  return zipSync(entries, { level: 6 });
}

/**
 * The export job: a bundle written where the user asked (desktop, CLI), or, in browser mode, built in
 * the engine's download area and packed as one .zip the page downloads (paths never cross HTTP).
 */
export async function runExport(self: ExportEngine, args: MethodArgs<'startExport'>, downloadDir: string | undefined, ctx: JobContext): Promise<ExportResult> {
  const shapes = new Map<string, ShapeRange>(Object.entries(args.shapes ?? {}).map(([k, r]) => [k, { min: r.min, opt: r.opt, max: r.max }]));
  for (const [name, r] of shapes) parseShapeRange(`${name}=${r.min.join('x')}:${r.opt.join('x')}:${r.max.join('x')}`);
  const name = args.name ?? 'model';
  const request = {
    docId: args.docId,
    target: args.target,
    precision: args.precision ?? 'fp32',
    ...(args.datasetId ? { calibDatasetId: args.datasetId } : {}),
    ...(args.spec ? { spec: args.spec } : {}),
    shapes,
    ...(args.bakePreprocess ? { bakePreprocess: args.bakePreprocess } : {}),
    ...(args.topK ? { topK: args.topK } : {}),
    ...(args.instance ? { instance: args.instance } : {}),
    ...(args.accelerator ? { accelerator: args.accelerator } : {}),
    ...(args.optimization ? { optimization: args.optimization } : {}),
    ...(args.keepFloat ? { floatNodes: args.keepFloat } : {}),
    name,
  } as const;
  const step = (done: number, total: number, phase: string) => {
    ctx.checkCancelled();
    ctx.progress(done, total, phase);
  };
  if (args.destination.kind === 'path') {
    assertLocalFileAccess('an export folder');
    return exportBundle(self, { ...request, dir: args.destination.path, force: args.destination.overwrite === true }, step);
  }
  if (!downloadDir) throw new EngineError('BAD_ARGUMENT', 'Exporting as a download is only available in browser mode; give a folder instead.');
  const downloadId = randomUUID();
  const work = path.join(downloadDir, `${downloadId}.bundle`);
  try {
    const result = await exportBundle(self, { ...request, dir: path.join(work, name), force: false }, step);
    const fileName = `${name}-${args.target}-${result.precision}.zip`;
    await fs.mkdir(path.join(downloadDir, downloadId));
    await fs.writeFile(path.join(downloadDir, downloadId, fileName), await zipFolder(path.join(work, name)));
    return { ...result, dir: name, downloadId, fileName };
  } finally {
    await fs.rm(work, { recursive: true, force: true });
  }
}
