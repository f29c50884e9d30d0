/** Timing, memory and the table the benchmark prints. */

export interface Sample {
  ms: number;
  /** Peak growth of the process's resident memory during the run, in MiB. */
  rssGrowthMiB: number;
  /** Time to the first byte of a streamed result, in ms. */
  firstByteMs?: number;
}

export interface Result {
  id: string;
  what: string;
  target: string;
  /** Largest acceptable product/bound ratio (null: reported, no ratio target). */
  maxRatio: number | null;
  product: Sample[];
  bound: Sample[];
  queries: number | null;
  agree: boolean | null;
  error: string | null;
  note?: string;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Run `work` once, timing it and sampling resident memory every 20 ms. */
export async function sample(work: (mark: () => void) => Promise<unknown>): Promise<Sample> {
  return (await sampleWithValue(work)).sample;
}

/** `sample`, keeping what `work` returned. */
export async function sampleWithValue(work: (mark: () => void) => Promise<unknown>): Promise<{ sample: Sample; value: unknown }> {
  gc?.();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  let first: number | undefined;
  let value: unknown;
  try {
    value = await work(() => (first ??= performance.now() - started));
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - started;
  peak = Math.max(peak, process.memoryUsage.rss());
  return { sample: { ms, rssGrowthMiB: (peak - base) / 2 ** 20, firstByteMs: first }, value };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

function fmtRange(xs: number[]): string {
  if (xs.length === 0) return "";
  return `${fmtMs(median(xs))} (${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))})`;
}

export function ratio(r: Result): number | null {
  if (r.product.length === 0 || r.bound.length === 0) return null;
  return median(r.product.map((s) => s.ms)) / median(r.bound.map((s) => s.ms));
}

export function verdict(r: Result): string {
  if (r.error) return "ERROR";
  if (r.agree === false) return "DISAGREE";
  const x = ratio(r);
  if (r.maxRatio === null || x === null) return "reported";
  return x <= r.maxRatio ? "met" : `missed by ${(x / r.maxRatio).toFixed(1)}x`;
}

/** The results as a Markdown table (it reads as well in a terminal). */
export function table(results: Result[]): string {
  const lines = [
    "| measure | product: median (min–max) | bound: median (min–max) | ratio | target | queries | agree | memory growth | first byte | verdict |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const x = ratio(r);
    const mem = r.product.length ? `${Math.max(...r.product.map((s) => s.rssGrowthMiB)).toFixed(0)} MiB` : "";
    const fb = r.product.some((s) => s.firstByteMs !== undefined) ? fmtMs(median(r.product.map((s) => s.firstByteMs ?? 0))) : "";
    lines.push(
      `| ${r.id} ${r.what} | ${r.error ? r.error.replace(/\|/g, "/").slice(0, 80) : fmtRange(r.product.map((s) => s.ms))} | ${fmtRange(r.bound.map((s) => s.ms))} | ${x === null ? "" : `${x.toFixed(2)}x`} | ${r.target} | ${r.queries ?? ""} | ${r.agree === null ? "" : r.agree ? "yes" : "NO"} | ${mem} | ${fb} | ${verdict(r)}${r.note ? ` (${r.note})` : ""} |`,
    );
  }
  return lines.join("\n");
}
