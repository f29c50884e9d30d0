import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { expect } from "vitest";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { closeMailTransport } from "~/utils/mail.server";

/**
 * A real SMTP server on a free loopback port that keeps what it receives;
 * the app's mail transport is pointed at it.
 */
export async function startSmtp() {
  const received: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  resetEnvCache();
  closeMailTransport();
  return {
    received,
    /**
     * Deliver the newest outbox row to `address` whose dedupe key starts with `dedupePrefix`, as the
     * worker would, and return the mail as this server received it.
     */
    delivered: async (address: string, dedupePrefix: string): Promise<ParsedMail> => {
      const row = await prisma.outboxEmail.findFirstOrThrow({
        where: { toAddress: address.toLowerCase(), dedupeKey: { startsWith: dedupePrefix } },
        orderBy: { createdAt: "desc" },
      });
      expect(await deliverOutbox(row.id)).toBe("sent");
      const mail = received.filter((m) => addressOf(m) === address.toLowerCase()).at(-1);
      expect(mail, `a mail to ${address}`).toBeTruthy();
      return mail!;
    },
    stop: async () => {
      closeMailTransport();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export function addressOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
  return to?.value[0]?.address ?? "";
}
