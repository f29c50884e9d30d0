import type { Readable } from "node:stream";
import nodemailer, { type Transporter } from "nodemailer";
import { getEnv } from "./env.server";

let transport: Transporter | undefined;

/**
 * One pool of SMTP connections per process, kept open between messages (nodemailer's pool: five
 * connections, each reused for up to 100 messages), rather than a connection, greeting and
 * QUIT for every message. `pool=false` in SMTP_URL turns it off, `maxConnections=N` sizes it.
 */
export function mailTransport(): Transporter {
  if (transport) return transport;
  const url = new URL(getEnv().SMTP_URL);
  if (!url.searchParams.has("pool")) url.searchParams.set("pool", "true");
  return (transport = nodemailer.createTransport(url.href));
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
