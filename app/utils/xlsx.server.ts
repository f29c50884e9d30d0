import type { Writable } from "node:stream";
import type ExcelJS from "exceljs";

/**
 * exceljs's streaming writer does not wait for anyone: each committed row goes
 * into the sheet's zip entry, a stream that buffers whatever deflate has not
 * taken yet, and the zip writes into `out` whether or not the reader keeps up.
 * A writer that produces rows faster than they are compressed and read would
 * hold the whole file in memory. Call this between batches of rows: it waits
 * until the sheet's entry and `out` are below their high-water marks (or
 * closed), so memory stays at about one batch.
 */
export async function sheetDrained(sheet: ExcelJS.Worksheet, out: Writable): Promise<void> {
  // The sheet's StreamBuf pipes into the zip entry's PassThrough (archiver wraps it so).
  const entries = (sheet as unknown as { _stream?: { pipes?: Writable[] } })._stream?.pipes ?? [];
  for (const stream of [...entries, out]) await drained(stream);
}

/** Resolves once `stream` has drained below its high-water mark, or closed; at once when it needs no drain. */
export function drained(stream: Writable): Promise<void> {
  if (!stream.writableNeedDrain || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.once("drain", done);
    stream.once("close", done);
  });
}
