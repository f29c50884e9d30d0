import type { Readable } from "node:stream";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "./env.server";

let transport: Transporter | undefined;

export function mailTransport(): Transporter {
  return (transport ??= nodemailer.createTransport(getEnv().SMTP_URL));
}

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** A stable Message-ID so a duplicate delivery is recognisable downstream. */
  messageId: string;
  /** Streamed, never buffered by us. */
  attachments?: Array<{ filename: string; contentType: string; content: Readable }>;
}

export async function sendMail(mail: OutgoingMail): Promise<string> {
  const info = await mailTransport().sendMail({ from: getEnv().MAIL_FROM, ...mail });
  return info.messageId;
}

export function closeMailTransport() {
  transport?.close();
  transport = undefined;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
