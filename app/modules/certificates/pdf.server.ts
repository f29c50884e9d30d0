import { PassThrough } from "node:stream";
import PDFDocument from "pdfkit";
import type { Certificate } from "~/generated/prisma/client";
import { getEnv } from "~/utils/env.server";
import { formatDate } from "~/utils/i18n";

/**
 * A bilingual A4 landscape certificate. Korean text is set in an embedded
 * TrueType face (NanumGothic), so it renders and extracts correctly everywhere.
 */
export function renderCertificatePdf(cert: Certificate): PassThrough {
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
    ["의무교육 Obligation", `${cert.obligationTitleKo} / ${cert.obligationTitleEn}`],
    ["주기 Cycle", cert.cycleLabel],
    ["이수일 Completed", `${formatDate(cert.completedAt, "ko")} / ${formatDate(cert.completedAt, "en")}`],
    ["증명서 번호 Number", cert.number],
    ["진위 확인 코드 Verification code", cert.verificationCode],
  ];
  const labelX = 110;
  const valueX = 330;
  for (const [label, value] of rows) {
    const y = doc.y;
    doc.font("bold").fontSize(11).fillColor("#1d4e89").text(label, labelX, y, { width: 210 });
    doc.font("body").fontSize(11).fillColor("#111111").text(value, valueX, y, { width: width - valueX - 90 });
    doc.moveDown(0.5);
  }

  const verifyUrl = `${env.APP_ORIGIN}/verify/${cert.verificationCode}`;
  doc.moveDown(0.6);
  doc.font("body").fontSize(11).fillColor("#333333");
  doc.text(`진위 확인 Verify: ${verifyUrl}`, 56, doc.y, { width: inner, align: "center", link: verifyUrl });

  doc.font("bold").fontSize(16).fillColor("#000000");
  doc.text(`${env.ACADEMY_NAME_KO}  ${env.ACADEMY_NAME_EN}`, 56, height - 110, { width: inner, align: "center" });
  doc.font("body").fontSize(10).text(`발급일 Issued ${formatDate(cert.issuedAt, "ko")}`, { width: inner, align: "center" });

  doc.end();
  return out;
}
