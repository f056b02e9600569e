import type { NodeView } from '../../../shared/api/dto.js';

/**
 * Sizes are computed before anything renders, so layout can run first (and in a worker). The browser
 * installs a canvas-based text measure at boot; the estimate serves tests and non-DOM callers.
 */
export const CHAR_WIDTH = 7.5;
let measure: (text: string) => number = (text) => text.length * CHAR_WIDTH;

export function setTextMeasure(fn: (text: string) => number): void {
  measure = fn;
}
export const ROW_HEIGHT = 16;
export const HEADER_HEIGHT = 26;
const MIN_WIDTH = 96;
const MAX_WIDTH = 300;
export const MAX_ATTRIBUTE_ROWS = 6;

export interface NodeRows {
  /** Folded constant inputs: 'W ⟨64×3×3×3⟩'. */
  weights: string[];
  attributes: string[];
  /** The node's name, drawn under its op type when names are shown (Netron's Show Names). */
  name?: string;
}

export function textWidth(text: string): number {
  return measure(text);
}

export function boxWidth(lines: string[]): number {
  return Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, ...lines.map((l) => Math.ceil(textWidth(l)) + 26)));
}

export function opNodeSize(node: NodeView, rows: NodeRows): { width: number; height: number } {
  const lines = [node.opType, ...(rows.name ? [rows.name] : []), ...rows.weights, ...rows.attributes];
  const count = rows.weights.length + rows.attributes.length + (rows.name ? 1 : 0);
  return { width: boxWidth(lines), height: HEADER_HEIGHT + (count > 0 ? count * ROW_HEIGHT + 6 : 0) };
}

export function ioNodeSize(label: string, detail: string): { width: number; height: number } {
  return { width: boxWidth([label, detail]), height: HEADER_HEIGHT + ROW_HEIGHT + 4 };
}

export const GROUP_SIZE = { width: 180, height: HEADER_HEIGHT + ROW_HEIGHT + 8 };
/** Room around an expanded group's contents, and its title bar. */
export const FRAME_PADDING = 16;
export const FRAME_HEADER = 28;
