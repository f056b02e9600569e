/** Value distribution of a tensor as bars (counts on a square-root scale so small bins stay visible). */
export function Histogram({ counts, min, max }: { counts: number[]; min: number; max: number }) {
  const peak = Math.sqrt(Math.max(1, ...counts));
  const w = 240;
  const h = 60;
  const bar = w / counts.length;
  return (
    <figure className="histogram" aria-label="Histogram">
      <svg width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img">
        {counts.map((c, i) => {
          const bh = (Math.sqrt(c) / peak) * h;
          return <rect key={i} x={i * bar} y={h - bh} width={Math.max(1, bar - 1)} height={bh} />;
        })}
      </svg>
      <figcaption>
        <span>{min.toPrecision(4)}</span>
        <span>{max.toPrecision(4)}</span>
      </figcaption>
    </figure>
  );
}
