import type { ConvertOpsetResult } from '../../../shared/api/dto.js';
import type { SimplifyReport } from '../../../shared/simplify/simplify-report.js';

/** The line the pipeline view shows beside a simplify step, the same whether recorded or replayed. */
export function simplifySummary(r: SimplifyReport): string {
  return `${r.nodesBefore} → ${r.nodesAfter} nodes, largest difference ${r.maxAbsDiff.toExponential(2)}`;
}

export function convertSummary(r: Pick<ConvertOpsetResult, 'opsetBefore' | 'opsetAfter' | 'converted'>): string {
  return `opset ${r.opsetBefore} → ${r.opsetAfter}, ${r.converted.reduce((n, c) => n + c.count, 0)} nodes rewritten`;
}
