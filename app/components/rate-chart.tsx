/**
 * Horizontal bars of completion rate per unit. The figure is decorative for
 * screen readers (the table beside it carries the numbers); its summary is
 * given as the figure's caption.
 */
export function RateChart({ rows, caption }: { rows: Array<{ label: string; rate: number | null }>; caption: string }) {
  const barHeight = 26;
  const labelWidth = 260;
  const width = 760;
  const height = rows.length * (barHeight + 8) + 30;
  const scale = (width - labelWidth - 60) / 100;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" aria-hidden="true" focusable="false">
        {[0, 50, 100].map((tick) => (
          <g key={tick}>
            <line x1={labelWidth + tick * scale} x2={labelWidth + tick * scale} y1={0} y2={height - 22} stroke="#c8ced6" />
            <text x={labelWidth + tick * scale} y={height - 6} fontSize="13" textAnchor="middle" fill="#4a4a4a">{tick}%</text>
          </g>
        ))}
        {rows.map((r, i) => {
          const y = i * (barHeight + 8) + 4;
          const w = (r.rate ?? 0) * scale;
          return (
            <g key={i}>
              <text x={labelWidth - 10} y={y + barHeight / 2 + 5} fontSize="14" textAnchor="end" fill="#1a1a1a">{r.label}</text>
              <rect x={labelWidth} y={y} width={Math.max(w, 1)} height={barHeight} fill={r.rate !== null && r.rate >= 80 ? "#1b6e3a" : "#1d4e89"} />
              <text x={labelWidth + w + 6} y={y + barHeight / 2 + 5} fontSize="14" fill="#1a1a1a">{r.rate === null ? "—" : `${r.rate}%`}</text>
            </g>
          );
        })}
      </svg>
      <figcaption className="meta">{caption}</figcaption>
    </figure>
  );
}
