import { PassThrough } from "node:stream";
import PDFDocument from "pdfkit";
import { getEnv } from "~/utils/env.server";
import { formatDate, pick, seoulDateKey, type AppLocale } from "~/utils/i18n";
import type { RecordEntry, RecordYear } from "./record.server";

type Translate = (key: string, vars?: Record<string, unknown>) => string;

interface Holder {
  name: string;
  employeeNo: string | null;
  orgUnit: { code: string; nameKo: string; nameEn: string } | null;
}

const COLUMNS = [
  { key: "course", width: 128 },
  { key: "obligation", width: 112 },
  { key: "state", width: 66 },
  { key: "completedAt", width: 58 },
  { key: "hours", width: 40 },
  { key: "certificate", width: 95 },
] as const;

/**
 * The learner's record as a PDF transcript, in the reader's language: a
 * heading with the person and the day it was printed, then each year with its
 * recognised hours, duties and electives. Korean is set in the certificate's
 * embedded font.
 */
export function renderTranscriptPdf(holder: Holder, years: RecordYear[], locale: AppLocale, t: Translate, printedAt: Date): PassThrough {
  const env = getEnv();
  const title = t("record.title");
  const doc = new PDFDocument({
    size: "A4",
    margin: 48,
    info: { Title: `${title} — ${holder.name}`, Author: pick(locale, env.ACADEMY_NAME_KO, env.ACADEMY_NAME_EN) },
    lang: locale === "ko" ? "ko-KR" : "en",
    pdfVersion: "1.7",
    tagged: true,
    displayTitle: true,
    bufferPages: true,
  });
  doc.registerFont("body", env.CERT_FONT_PATH);
  doc.registerFont("bold", env.CERT_FONT_BOLD_PATH);
  const out = new PassThrough();
  doc.pipe(out);
  const left = 48;
  const right = doc.page.width - 48;
  const bottom = doc.page.height - 60;

  doc.fillColor("#1d4e89").font("bold").fontSize(20).text(title, left, 48);
  doc.moveDown(0.3);
  doc.fillColor("#111111").font("body").fontSize(11);
  const unit = holder.orgUnit ? `${pick(locale, holder.orgUnit.nameKo, holder.orgUnit.nameEn)} (${holder.orgUnit.code})` : "";
  doc.text([holder.name, holder.employeeNo, unit].filter(Boolean).join(" · "));
  doc.fillColor("#444444").fontSize(9).text(`${pick(locale, env.ACADEMY_NAME_KO, env.ACADEMY_NAME_EN)} · ${formatDate(printedAt, locale, true)}`);
  doc.moveDown(0.8);

  const ensureRoom = (needed: number) => {
    if (doc.y + needed > bottom) {
      doc.addPage();
      doc.y = 48;
    }
  };

  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? "bold" : "body").fontSize(8.5);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: COLUMNS[i]!.width - 6 }))) + 6;
    ensureRoom(height);
    const y = doc.y;
    let x = left;
    cells.forEach((c, i) => {
      doc.fillColor(bold ? "#1d4e89" : "#111111").text(c, x + 3, y + 3, { width: COLUMNS[i]!.width - 6 });
      x += COLUMNS[i]!.width;
    });
    doc.moveTo(left, y + height).lineTo(right, y + height).lineWidth(0.5).strokeColor("#bbbbbb").stroke();
    doc.x = left;
    doc.y = y + height;
  };

  const cellsOf = (e: RecordEntry): string[] => [
    pick(locale, e.courseTitleKo, e.courseTitleEn),
    e.obligationTitleKo ? `${pick(locale, e.obligationTitleKo, e.obligationTitleEn ?? "")} · ${e.cycleLabel}` : t("record.elective"),
    t(`status.${e.status}`) +
      (e.completionMode === "IN_PERSON" ? ` (${t("record.inPerson")})` : e.completionMode === "EQUIVALENT" ? ` (${t("record.equivalent")})` : ""),
    e.completedAt ? seoulDateKey(e.completedAt) : e.dueAt && e.status !== "EXEMPTED" ? t("record.due", { date: seoulDateKey(e.dueAt) }) : "",
    e.hours === null ? "—" : t("record.hoursValue", { count: e.hours }),
    e.certificateNumber ?? t("record.noCertificate"),
  ];

  if (years.length === 0) doc.font("body").fontSize(11).fillColor("#111111").text(t("record.none"), left);
  for (const y of years) {
    ensureRoom(80);
    doc.font("bold").fontSize(14).fillColor("#111111").text(t("record.year", { year: y.year }), left);
    doc.font("body").fontSize(10).text(t("record.yearHours", { year: y.year, hours: y.hours }), left);
    doc.moveDown(0.4);
    for (const [kind, entries] of [["duties", y.duties], ["electives", y.electives]] as const) {
      if (entries.length === 0) continue;
      ensureRoom(50);
      doc.font("bold").fontSize(11).fillColor("#333333").text(t(`record.${kind}`), left);
      doc.moveDown(0.2);
      row(COLUMNS.map((c) => t(`record.${c.key}`)), true);
      for (const e of entries) row(cellsOf(e), false);
      doc.moveDown(0.6);
    }
    doc.moveDown(0.4);
  }

  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // writing in the margin must not start a new page
    doc.font("body").fontSize(8).fillColor("#666666").text(`${i + 1} / ${range.count}`, left, doc.page.height - 40, { width: right - left, align: "center", lineBreak: false });
  }
  doc.end();
  return out;
}
