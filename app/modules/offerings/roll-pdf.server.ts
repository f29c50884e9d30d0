import PDFDocument from "pdfkit";
import { getEnv } from "~/utils/env.server";
import { formatDate } from "~/utils/i18n";
import { classTime } from "./mail.server";

export interface RollPdfInput {
  id: string;
  titleKo: string;
  titleEn: string;
  startsAt: Date;
  endsAt: Date;
  format: string;
  place: string;
  lecturerNames: string;
  minutes: number;
  closedAt: Date;
  rows: Array<{ name: string; employeeNo: string | null; present: boolean; minutes: number | null; how: string }>;
}

const HOW: Record<string, string> = {
  present: "출석 확인 Marked present",
  absent: "결석 Marked absent",
  qr: "QR 체크인 QR check-in",
  form: "QR 체크인(이름 확인) QR check-in, by name",
  "": "—",
};

/**
 * The roll of a class as it was closed, bilingual, in A4: the evidence kept with its training
 * session (ADR 007 keeps every session's proof in the database). Every seat is listed, present
 * or not, with how it was recorded.
 */
export async function renderRollPdf(input: RollPdfInput): Promise<Uint8Array> {
  const env = getEnv();
  const doc = new PDFDocument({ size: "A4", margin: 48, info: { Title: `출석부 Roll ${input.titleKo}`, Author: env.ACADEMY_NAME_KO }, lang: "ko-KR", pdfVersion: "1.7" });
  doc.registerFont("body", env.CERT_FONT_PATH);
  doc.registerFont("bold", env.CERT_FONT_BOLD_PATH);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => {
    doc.on("end", resolve);
    doc.on("error", reject);
  });
  doc.font("bold").fontSize(18).text("출석부 Attendance roll");
  doc.font("body").fontSize(11).moveDown(0.5);
  doc.text(`${input.titleKo} / ${input.titleEn}`);
  doc.text(`${classTime(input, "ko")} (${input.minutes}분 minutes)`);
  doc.text(input.format === "LIVE_ONLINE" ? "실시간 온라인 Live online" : input.place);
  if (input.lecturerNames) doc.text(`강사 Lecturers: ${input.lecturerNames}`);
  doc.text(`마감 Closed: ${formatDate(input.closedAt, "ko", true)} · ${input.id}`);
  const present = input.rows.filter((r) => r.present).length;
  doc.text(`출석 Present ${present} / 확정 Seats ${input.rows.length}`);
  doc.moveDown();
  input.rows.forEach((r, i) => {
    const minutes = r.present ? ` · ${r.minutes ?? input.minutes}분 min` : "";
    const state = r.present ? "출석 Present" : "불참 No-show";
    doc.font("body").fontSize(10).text(`${i + 1}. ${r.name} (${r.employeeNo ?? "—"}) — ${state}${minutes} — ${HOW[r.how] ?? r.how}`);
  });
  doc.end();
  await done;
  return new Uint8Array(Buffer.concat(chunks));
}
