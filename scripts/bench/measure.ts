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
  /**
   * For a throughput measure (pages under load, mail sent): one rate per run of each side. The
   * ratio is then the bound's rate over the product's, so that, as for times, above 1 means the
   * product is slower; the product's column shows its rate and latencies.
   */
  rate?: { unit: string; product: Rate[]; bound: Rate[]; maxP99Ms?: number };
}

/** One run of a throughput measure: how many were done per second, and, for requests, their latency. */
export interface Rate {
  perSecond: number;
  count: number;
  p50Ms?: number;
  p99Ms?: number;
}

/** The value at `q` (0..1) of the sorted latencies, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
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

function fmtRate(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** A throughput side: its rate (median of the runs, with the range) and, for requests, p50 and p99. */
function fmtRates(rates: Rate[], unit: string): string {
  if (rates.length === 0) return "";
  const per = rates.map((x) => x.perSecond);
  const range = rates.length > 1 ? ` (${fmtRate(Math.min(...per))}–${fmtRate(Math.max(...per))})` : "";
  const lat = rates[0]!.p50Ms !== undefined ? `; p50 ${fmtMs(median(rates.map((x) => x.p50Ms ?? 0)))}, p99 ${fmtMs(median(rates.map((x) => x.p99Ms ?? 0)))}` : "";
  return `${fmtRate(median(per))} ${unit}${range}${lat}`;
}

function fmtRange(xs: number[]): string {
  if (xs.length === 0) return "";
  return `${fmtMs(median(xs))} (${fmtMs(Math.min(...xs))}–${fmtMs(Math.max(...xs))})`;
}

export function ratio(r: Result): number | null {
  if (r.rate) {
    if (r.rate.product.length === 0 || r.rate.bound.length === 0) return null;
    return median(r.rate.bound.map((x) => x.perSecond)) / median(r.rate.product.map((x) => x.perSecond));
  }
  if (r.product.length === 0 || r.bound.length === 0) return null;
  return median(r.product.map((s) => s.ms)) / median(r.bound.map((s) => s.ms));
}

export function verdict(r: Result): string {
  if (r.error) return "ERROR";
  if (r.agree === false) return "DISAGREE";
  const x = ratio(r);
  const p99 = r.rate?.maxP99Ms !== undefined && r.rate.product.length ? median(r.rate.product.map((s) => s.p99Ms ?? 0)) : null;
  const p99Missed = p99 !== null && p99 > r.rate!.maxP99Ms! ? `p99 ${fmtMs(p99)} over ${fmtMs(r.rate!.maxP99Ms!)}` : null;
  if (r.maxRatio === null || x === null) return p99Missed ? `missed: ${p99Missed}` : "reported";
  if (x <= r.maxRatio) return p99Missed ? `missed: ${p99Missed}` : "met";
  return `missed by ${(x / r.maxRatio).toFixed(1)}x${p99Missed ? `; ${p99Missed}` : ""}`;
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
    const productCell = r.rate ? fmtRates(r.rate.product, r.rate.unit) : fmtRange(r.product.map((s) => s.ms));
    const boundCell = r.rate ? fmtRates(r.rate.bound, r.rate.unit) : fmtRange(r.bound.map((s) => s.ms));
    lines.push(
      `| ${r.id} ${r.what} | ${r.error ? r.error.replace(/\|/g, "/").slice(0, 80) : productCell} | ${boundCell} | ${x === null ? "" : `${x.toFixed(2)}x`} | ${r.target} | ${r.queries ?? ""} | ${r.agree === null ? "" : r.agree ? "yes" : "NO"} | ${mem} | ${fb} | ${verdict(r)}${r.note ? ` (${r.note})` : ""} |`,
    );
  }
  return lines.join("\n");
}
