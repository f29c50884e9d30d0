import { PassThrough } from "node:stream";
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Certificate } from "~/generated/prisma/client";
import { getEnv } from "~/utils/env.server";
import { formatDate } from "~/utils/i18n";

/** The public page that checks a certificate, as printed and encoded in its QR code. */
export function verificationUrl(code: string): string {
  return `${getEnv().APP_ORIGIN}/verify/${code}`;
}

/** "2시간 / 2 hours": hours in both languages. */
export function hoursLabel(hours: number): string {
  return `${hours}시간 / ${hours} ${hours === 1 ? "hour" : "hours"}`;
}

/**
 * A QR code drawn as vector squares (sharp at any print size), with its
 * four-module quiet zone, at (x, y), `size` points wide.
 */
export function drawQrCode(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const n = qr.modules.size;
  const cell = size / (n + 8);
  doc.save();
  doc.rect(x, y, size, size).fill("#ffffff");
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (qr.modules.get(r, c)) doc.rect(x + (c + 4) * cell, y + (r + 4) * cell, cell, cell);
    }
  }
  doc.fill("#000000");
  doc.restore();
}

/**
 * A bilingual A4 landscape certificate. Korean text is set in an embedded
 * TrueType face (NanumGothic), so it renders and extracts correctly everywhere.
 * It states the recognised hours and the holder's unit as they were when it
 * was issued, carries a QR code of its verification page, and the seal in
 * force at its issue (none if none had been uploaded).
 */
export function renderCertificatePdf(cert: Certificate, seal: Buffer | null = null): PassThrough {
  const env = getEnv();
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: 56,
    info: {
      Title: `수료증 Certificate ${cert.number}`,
      Author: env.ACADEMY_NAME_KO,
      Subject: cert.courseTitleKo,
    },
    lang: "ko-KR",
    pdfVersion: "1.7",
    tagged: true,
    displayTitle: true,
  });
  doc.registerFont("body", env.CERT_FONT_PATH);
  doc.registerFont("bold", env.CERT_FONT_BOLD_PATH);
  const out = new PassThrough();
  doc.pipe(out);

  const { width, height } = doc.page;
  const inner = width - 112;
  doc.lineWidth(3).strokeColor("#1d4e89").rect(28, 28, width - 56, height - 56).stroke();
  doc.lineWidth(1).rect(36, 36, width - 72, height - 72).stroke();

  doc.fillColor("#1d4e89").font("bold").fontSize(34).text("수료증", 56, 70, { width: inner, align: "center", characterSpacing: 14 });
  doc.fillColor("#333333").font("body").fontSize(14).text("Certificate of Completion", { width: inner, align: "center" });

  doc.moveDown(1.4);
  doc.fillColor("#000000").font("bold").fontSize(24).text(cert.holderName, { width: inner, align: "center" });
  doc.moveDown(0.8);
  doc.font("body").fontSize(13).fillColor("#111111");
  doc.text(`위 사람은 「${cert.courseTitleKo}」 과정을 이수하였음을 증명합니다.`, { width: inner, align: "center" });
  doc.text(`This certifies that the above person has completed "${cert.courseTitleEn}".`, {
    width: inner,
    align: "center",
  });

  doc.moveDown(1.2);
  const rows: Array<[string, string]> = [
    ...(cert.unitCode ? [["소속 Department", `${cert.unitNameKo} / ${cert.unitNameEn}`] as [string, string]] : []),
    ["의무교육 Obligation", `${cert.obligationTitleKo} / ${cert.obligationTitleEn}`],
    ["주기 Cycle", cert.cycleLabel],
    ["이수일 Completed", `${formatDate(cert.completedAt, "ko")} / ${formatDate(cert.completedAt, "en")}`],
    ["인정시간 Recognised hours", `${hoursLabel(cert.recognisedHours)} (상시학습 continuous learning)`],
    ["증명서 번호 Number", cert.number],
    ["진위 확인 코드 Verification code", cert.verificationCode],
  ];
  const labelX = 100;
  const valueX = 300;
  // The QR code sits in the lower right corner; the rows keep clear of it.
  const qrSize = 96;
  const qrX = width - 56 - qrSize - 8;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font("bold").fontSize(11).fillColor("#1d4e89").text(label, labelX, y, { width: 210 });
    doc.font("body").fontSize(11).fillColor("#111111").text(value, valueX, y, { width: qrX - valueX - 16 });
    doc.moveDown(0.5);
  }

  const verifyUrl = verificationUrl(cert.verificationCode);
  const qrY = height - 56 - qrSize - 26;
  drawQrCode(doc, verifyUrl, qrX, qrY, qrSize);
  doc.font("body").fontSize(8).fillColor("#333333");
  doc.text("QR: 진위 확인 Verify", qrX - 20, qrY + qrSize + 2, { width: qrSize + 40, align: "center" });
  doc.font("body").fontSize(10).fillColor("#333333");
  doc.text(`진위 확인 Verify: ${verifyUrl}`, 56, height - 160, { width: qrX - 56 - 16, align: "center", link: verifyUrl, underline: false });

  const issuer = `${env.ACADEMY_NAME_KO}  ${env.ACADEMY_NAME_EN}`;
  doc.font("bold").fontSize(16).fillColor("#000000");
  const issuerY = height - 118;
  doc.text(issuer, 56, issuerY, { width: qrX - 56 - 16, align: "center" });
  doc.font("body").fontSize(10).text(`발급일 Issued ${formatDate(cert.issuedAt, "ko")}`, 56, doc.y, { width: qrX - 56 - 16, align: "center" });
  if (seal) {
    // The seal right after the issuer's name, where a stamp goes on paper (beside it, not over it: a
    // JPEG seal has an opaque background that would hide the name).
    doc.font("bold").fontSize(16);
    const nameEnd = 56 + (qrX - 56 - 16) / 2 + doc.widthOfString(issuer) / 2;
    const sealSize = 72;
    doc.image(seal, nameEnd + 6, issuerY - sealSize / 2 + 10, { fit: [sealSize, sealSize], align: "center", valign: "center" });
  }

  doc.end();
  return out;
}
