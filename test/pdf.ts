import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQR from "jsqr";
import PDFDocument from "pdfkit";

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

/** A round red seal with Korean text, drawn by pdfkit and rasterised by poppler into a PNG. */
export async function sealPng(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "seal-"));
  try {
    const doc = new PDFDocument({ size: [200, 200], margin: 0 });
    const chunks: Buffer[] = [];
    doc.on("data", (c: Buffer) => chunks.push(c));
    doc.registerFont("bold", process.env.CERT_FONT_BOLD_PATH ?? "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf");
    doc.lineWidth(8).strokeColor("#c8102e").circle(100, 100, 88).stroke();
    doc.fillColor("#c8102e").font("bold").fontSize(30).text("인권교육", 0, 62, { width: 200, align: "center" });
    doc.text("원 장 인", 0, 102, { width: 200, align: "center" });
    const ended = new Promise((resolve) => doc.on("end", resolve));
    doc.end();
    await ended;
    writeFileSync(join(dir, "seal.pdf"), Buffer.concat(chunks));
    execFileSync("pdftoppm", ["-png", "-r", "72", "-singlefile", join(dir, "seal.pdf"), join(dir, "seal")]);
    return new Uint8Array(readFileSync(join(dir, "seal.png")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
