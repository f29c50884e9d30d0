import type { ReactNode } from "react";

/**
 * A table that may be wider than a phone scrolls sideways inside this region, never the page
 * (WCAG 1.4.10). The region can be focused and scrolled with the keyboard and is named after the
 * table: by `label`, or by the id of the table's caption in `labelledBy`. With `stickyFirst`, the
 * row headers of the first column (short names) stay in view while the numbers scroll.
 */
export function TableRegion({ label, labelledBy, stickyFirst, children }: { label?: string; labelledBy?: string; stickyFirst?: boolean; children: ReactNode }) {
  return (
    <div className={stickyFirst ? "table-scroll sticky-first" : "table-scroll"} role="region" tabIndex={0} aria-label={labelledBy ? undefined : label} aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
