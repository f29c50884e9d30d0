import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";
import { prisma } from "~/utils/db.server";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { now } from "~/utils/clock.server";

/**
 * The seal (직인) printed on certificates. A system administrator uploads it
 * as a PNG or JPEG; every upload is kept with who and when, and a certificate
 * shows the seal that was in force when it was issued, so a new seal never
 * changes a certificate already handed out.
 */

export const MAX_SEAL_BYTES = 512 * 1024;
export const MAX_SEAL_PIXELS = 1000;
/** The largest upload form the server reads for a seal: room for a file over the limit to be refused with a message. */
export const SEAL_FORM_BYTES = 4 * 1024 * 1024;

export type SealMediaType = "image/png" | "image/jpeg";
export type SealProblem = "missing" | "tooLarge" | "type" | "dimensions" | "unreadable";

export class SealInputError extends Error {
  constructor(public problem: SealProblem) {
    super(`seal refused: ${problem}`);
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A start-of-frame marker of a JPEG (baseline, progressive, lossless…); not DHT, JPG or DAC. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * What an image file is, read from its bytes (never from its name or the
 * type the browser claims): a PNG or a JPEG, with its size in pixels; null
 * for anything else.
 */
export function sniffImage(bytes: Uint8Array): { mediaType: SealMediaType; width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) {
    // The first chunk of a PNG is IHDR: width and height, big-endian.
    if (String.fromCharCode(...bytes.subarray(12, 16)) !== "IHDR") return null;
    return { mediaType: "image/png", width: view.getUint32(16), height: view.getUint32(20) };
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    let at = 2;
    while (at + 4 <= bytes.length) {
      if (bytes[at] !== 0xff) return null;
      const marker = bytes[at + 1]!;
      if (marker === 0xff) {
        at += 1; // fill byte
        continue;
      }
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        at += 2; // markers without a length
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null; // end of image, or scan data before any frame
      const length = view.getUint16(at + 2);
      if (isStartOfFrame(marker)) {
        if (at + 9 > bytes.length) return null;
        return { mediaType: "image/jpeg", height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
      }
      at += 2 + length;
    }
  }
  return null;
}

/**
 * The checks an uploaded seal must pass: present, at most MAX_SEAL_BYTES, a
 * PNG or JPEG by its content, at most MAX_SEAL_PIXELS on each side, and
 * readable by the PDF writer that will print it.
 */
export function checkSeal(bytes: Uint8Array | null): { mediaType: SealMediaType; width: number; height: number } {
  if (!bytes || bytes.byteLength === 0) throw new SealInputError("missing");
  if (bytes.byteLength > MAX_SEAL_BYTES) throw new SealInputError("tooLarge");
  const image = sniffImage(bytes);
  if (!image) throw new SealInputError("type");
  if (image.width < 1 || image.height < 1 || image.width > MAX_SEAL_PIXELS || image.height > MAX_SEAL_PIXELS) {
    throw new SealInputError("dimensions");
  }
  try {
    // pdfkit's own reader (not in its type declarations): what it cannot open, it cannot print.
    (new PDFDocument({ autoFirstPage: false }) as unknown as { openImage(src: Buffer): unknown }).openImage(Buffer.from(bytes));
  } catch {
    throw new SealInputError("unreadable");
  }
  return image;
}

/** Keep a new seal for certificates issued from now on; recorded in the audit log with its fingerprint. */
export async function uploadSeal(actor: Actor, file: { fileName: string; bytes: Uint8Array | null }): Promise<string> {
  const image = checkSeal(file.bytes);
  const bytes = file.bytes!;
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const fileName = file.fileName.replace(/[\r\n"\\/]/g, "_").slice(0, 200) || "seal";
  return prisma.$transaction(async (tx) => {
    const seal = await tx.certificateSeal.create({
      data: { ...image, fileName, size: bytes.byteLength, sha256, content: Buffer.from(bytes), uploadedByUserId: actor.userId, uploadedAt: now() },
      select: { id: true },
    });
    await recordAudit(
      {
        actorUserId: actor.userId,
        action: "certificate.seal.upload",
        entityType: "certificate_seal",
        entityId: seal.id,
        data: { fileName, mediaType: image.mediaType, width: image.width, height: image.height, size: bytes.byteLength, sha256 },
      },
      tx,
    );
    return seal.id;
  });
}

/** The seal in force at a moment: the last one uploaded by then; null if none had been. */
export async function sealInForce(at: Date): Promise<Buffer | null> {
  const seal = await prisma.certificateSeal.findFirst({
    where: { uploadedAt: { lte: at } },
    orderBy: [{ uploadedAt: "desc" }, { id: "desc" }],
    select: { content: true },
  });
  return seal ? Buffer.from(seal.content) : null;
}

/** Every seal uploaded, newest first, the one in force now with its picture. */
export async function sealHistory() {
  const seals = await prisma.certificateSeal.findMany({
    orderBy: [{ uploadedAt: "desc" }, { id: "desc" }],
    take: 20,
    select: { id: true, fileName: true, mediaType: true, width: true, height: true, size: true, sha256: true, uploadedAt: true, uploadedBy: { select: { displayName: true, email: true } } },
  });
  const current = seals[0]
    ? await prisma.certificateSeal.findUniqueOrThrow({ where: { id: seals[0].id }, select: { content: true, mediaType: true } })
    : null;
  return {
    seals,
    currentDataUrl: current ? `data:${current.mediaType};base64,${Buffer.from(current.content).toString("base64")}` : null,
  };
}
