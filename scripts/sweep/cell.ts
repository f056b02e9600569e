// One cell of the corpus table: what happened and the sentence that says so.

/** 'pending': the model has not been swept with this code version yet. */
export type CellStatus = 'pass' | 'refused' | 'fail' | 'n/a' | 'timeout' | 'pending';

export interface Cell {
  status: CellStatus;
  text: string;
}

export const pass = (text: string): Cell => ({ status: 'pass', text });
export const refused = (text: string): Cell => ({ status: 'refused', text });
export const fail = (text: string): Cell => ({ status: 'fail', text });
export const notApplicable = (text: string): Cell => ({ status: 'n/a', text });
export const timedOut = (text: string): Cell => ({ status: 'timeout', text });

const MARK: Record<CellStatus, string> = { pass: 'ok', refused: 'refused', fail: 'FAIL', 'n/a': 'n/a', timeout: 'TIMEOUT', pending: 'not run' };

/** Markdown for a cell; pipes and newlines would break the table. */
export function cellMarkdown(cell: Cell): string {
  const text = cell.text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
  return `**${MARK[cell.status]}** ${text}`.trim();
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(n >= 1e11 ? 0 : 2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}
