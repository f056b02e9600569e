import { memo } from 'react';
import { Bar, BarChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Analysis } from '../../../shared/analysis/cost-model.js';
import { formatSi as si } from '../../../shared/model/format.js';

/** FLOPs by op type, the heaviest first. */
export const OpTypeChart = memo(function OpTypeChart({ analysis }: { analysis: Analysis }) {
  const byType = new Map<string, number>();
  for (const n of analysis.nodes) byType.set(n.opType, (byType.get(n.opType) ?? 0) + (n.flops ?? 0));
  const data = [...byType.entries()]
    .filter(([, flops]) => flops > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([opType, flops]) => ({ opType, flops }));
  return (
    <figure className="op-chart" aria-label="FLOPs by op type">
      <ResponsiveContainer width="100%" height={170}>
        <BarChart data={data} layout="vertical" margin={{ left: 8, right: 16, top: 4, bottom: 4 }}>
          <XAxis type="number" tickFormatter={(v: number) => si(v)} fontSize={10} />
          <YAxis type="category" dataKey="opType" width={130} fontSize={11} interval={0} />
          <Tooltip formatter={(v) => [`${si(Number(v))}FLOPs`, 'FLOPs']} />
          <Bar dataKey="flops" fill="#2f6fdf" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
});
