import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";

/** A PDF's text, page by page, as poppler's pdftotext reads it (layout kept). */
export function pdfText(pdf: Uint8Array): string {
  return execFileSync("pdftotext", ["-layout", "-", "-"], { input: pdf }).toString();
}

/**
 * What the QR code on a PDF's first page says, read from the page as a printer would see it:
 * rasterised by poppler (grey, 150 dpi), then decoded. Null when no code is found.
 */
export function pdfQrCode(pdf: Uint8Array, keepPngAt?: string): string | null {
  const dir = mkdtempSync(join(tmpdir(), "pdf-qr-"));
  try {
    writeFileSync(join(dir, "in.pdf"), pdf);
    execFileSync("pdftoppm", ["-gray", "-r", "150", "-f", "1", "-l", "1", "-singlefile", join(dir, "in.pdf"), join(dir, "page")]);
    if (keepPngAt) execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", join(dir, "in.pdf"), keepPngAt]);
    // Netpbm P5: "P5\n<width> <height>\n<max>\n" then one byte per pixel.
    const pgm = readFileSync(join(dir, "page.pgm"));
    const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.subarray(0, 64).toString("latin1"));
    if (!header) throw new Error("poppler wrote no PGM");
    const [whole, w, h] = header;
    const width = Number(w);
    const height = Number(h);
    const grey = pgm.subarray(whole!.length);
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = grey[i]!;
      rgba[i * 4 + 3] = 255;
    }
    return jsQR(rgba, width, height)?.data ?? null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
