/**
 * Horizontal bars of completion rate per unit. The figure is decorative for
 * screen readers (the table beside it carries the numbers); its summary is
 * given as the figure's caption. Drawn with boxes rather than a scaled
 * picture, so that its words keep their size on a phone.
 */
export function RateChart({ rows, caption }: { rows: Array<{ label: string; rate: number | null }>; caption: string }) {
  return (
    <figure className="chart">
      <div className="rate-chart" aria-hidden="true">
        {rows.map((r, i) => (
          <div key={i} className="rate-row">
            <span className="rate-label">{r.label}</span>
            <span className="rate-track">
              <span className={`rate-bar${r.rate !== null && r.rate >= 80 ? " high" : ""}`} style={{ width: `${r.rate ?? 0}%` }}>
                <span className="rate-value">{r.rate === null ? "—" : `${r.rate}%`}</span>
              </span>
            </span>
          </div>
        ))}
        <div className="rate-row">
          <span />
          <span className="rate-track rate-axis">
            {[0, 50, 100].map((tick) => <span key={tick} className={`tick-${tick}`}>{tick}%</span>)}
          </span>
        </div>
      </div>
      <figcaption className="meta">{caption}</figcaption>
    </figure>
  );
}
