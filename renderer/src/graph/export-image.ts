import type { Edge, InternalNode } from '@xyflow/react';
import type { FlowNode } from './flow-elements.js';

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** Colours are CSS variables keyed by category (styles.css); the export reads the same ones. */
function categoryColor(category: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(`--cat-${category}`).trim();
  return v || '#e8e8ec';
}

/**
 * The whole current view as SVG, drawn from the layout (not screenshotted), so big graphs stay sharp
 * and everything is included, not just what is on screen.
 */
export function graphToSvg(nodes: InternalNode<FlowNode>[], edges: Edge[], direction: 'TB' | 'LR'): string {
  const box = (n: InternalNode<FlowNode>) => {
    const { x, y } = n.internals.positionAbsolute;
    return { x, y, w: n.width ?? n.measured.width ?? 0, h: n.height ?? n.measured.height ?? 0 };
  };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const n of nodes) {
    const b = box(n);
    minX = Math.min(minX, b.x);
    minY = Math.min(minY, b.y);
    maxX = Math.max(maxX, b.x + b.w);
    maxY = Math.max(maxY, b.y + b.h);
  }
  if (!Number.isFinite(minX)) [minX, minY, maxX, maxY] = [0, 0, 100, 100];
  const pad = 20;
  const parts: string[] = [];
  const frames = nodes.filter((n) => n.data.item.kind === 'frame');
  for (const n of frames) {
    const b = box(n);
    parts.push(`<g class="frame"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="6" fill="#f4f6fb" stroke="#9aa3b5" stroke-dasharray="4 3"/><text x="${b.x + 8}" y="${b.y + 18}" font-size="12" fill="#445">${escape(n.data.title)}</text></g>`);
  }
  for (const e of edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t) continue;
    const a = box(s);
    const b = box(t);
    const [x1, y1, x2, y2] = direction === 'TB' ? [a.x + a.w / 2, a.y + a.h, b.x + b.w / 2, b.y] : [a.x + a.w, a.y + a.h / 2, b.x, b.y + b.h / 2];
    const c = direction === 'TB' ? `C ${x1} ${(y1 + y2) / 2}, ${x2} ${(y1 + y2) / 2},` : `C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2},`;
    parts.push(`<path d="M ${x1} ${y1} ${c} ${x2} ${y2}" fill="none" stroke="#888" stroke-width="1"/>`);
    if (e.label) parts.push(`<text x="${(x1 + x2) / 2 + 4}" y="${(y1 + y2) / 2}" font-size="9" fill="#666">${escape(String(e.label))}</text>`);
  }
  for (const n of nodes) {
    if (n.data.item.kind === 'frame') continue;
    const b = box(n);
    const rows = [...(n.data.item.rows?.weights ?? []), ...(n.data.item.rows?.attributes ?? [])];
    parts.push(
      `<g class="node" data-node-name="${escape(n.data.nodeName)}" data-op-type="${escape(n.data.opType)}"><rect x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" rx="4" fill="#fff" stroke="#777"/>` +
        `<rect x="${b.x}" y="${b.y}" width="${b.w}" height="24" rx="4" fill="${categoryColor(n.data.category)}"/>` +
        `<text x="${b.x + 8}" y="${b.y + 16}" font-size="12" font-weight="600" fill="#111">${escape(n.data.title)}</text>` +
        rows.map((r, i) => `<text x="${b.x + 8}" y="${b.y + 38 + i * 16}" font-size="10" fill="#333">${escape(r)}</text>`).join('') +
        (n.data.item.kind === 'group' || n.data.item.kind === 'input' || n.data.item.kind === 'output' || n.data.item.kind === 'initializer'
          ? `<text x="${b.x + 8}" y="${b.y + 38}" font-size="10" fill="#333">${escape(n.data.detail)}</text>`
          : '') +
        '</g>',
    );
  }
  const width = maxX - minX + 2 * pad;
  const height = maxY - minY + 2 * pad;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="${minX - pad} ${minY - pad} ${width} ${height}" font-family="system-ui, sans-serif"><rect x="${minX - pad}" y="${minY - pad}" width="${width}" height="${height}" fill="#fff"/>${parts.join('')}</svg>`;
}

/** PNG of the SVG, at 2x up to the largest canvas browsers allow (use SVG for anything bigger). */
export async function svgToPng(svg: string, width: number, height: number): Promise<Blob> {
  const scale = Math.min(2, 16000 / Math.max(width, height));
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The image is too large to export as PNG; export SVG instead.'))), 'image/png'));
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
