// One model's row: a cell per column, with the key that says which code and file produced it.
import type { Cell } from './cell.js';

export const COLUMNS = ['inspect', 'viewer', 'analyze', 'fp16', 'int8-dynamic', 'int8-static', 'batch', 'simplify', 'convert', 'profile'] as const;
export type Column = (typeof COLUMNS)[number];

export const COLUMN_TITLES: Record<Column, string> = {
  inspect: 'inspect',
  viewer: 'viewer first screen',
  analyze: 'analyze',
  fp16: 'FP16',
  'int8-dynamic': 'INT8 dynamic',
  'int8-static': 'INT8 static',
  batch: 'dynamic batch',
  simplify: 'simplify',
  convert: 'convert opset',
  profile: 'profile',
};

export interface ModelResult {
  name: string;
  /** Model file identity + code version + sweep settings; a re-run redoes the row when it changes. */
  key: string;
  limitSeconds: number;
  seconds: number;
  cells: Record<Column, Cell>;
}
