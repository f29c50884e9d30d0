/**
 * Development mail catcher: an SMTP server on loopback that keeps every
 * message as an .eml file in .data/mail, so mail in development is never
 * sent anywhere and never lost.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SMTPServer } from "smtp-server";

const port = Number(process.env.MAIL_CATCHER_PORT ?? 1025);
const dir = join(process.cwd(), ".data", "mail");
mkdirSync(dir, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ["STARTTLS"],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("end", () => {
      count++;
      const to = session.envelope.rcptTo.map((r) => r.address).join(",");
      const file = join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${count}.eml`);
      writeFileSync(file, Buffer.concat(chunks));
      console.log(`[mail] to ${to} → ${file}`);
      callback();
    });
  },
});

server.listen(port, "127.0.0.1", () => console.log(`Mail catcher on smtp://127.0.0.1:${port}, saving to ${dir}`));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.close(() => process.exit(0)));
