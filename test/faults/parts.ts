import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { SMTPServer } from "smtp-server";

/**
 * The real parts the fault tests run and break: the worker and the app as
 * child processes, an SMTP server on loopback that counts every message per
 * recipient, and the local services of scripts/services.sh.
 */

/** A child process started with the product's entry point, its output kept for a failure report. */
export class Child {
  private proc: ChildProcess | null = null;
  private output: string[] = [];
  kills = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: () => Record<string, string>,
  ) {}

  start(): void {
    if (this.proc) throw new Error(`${this.name} is already running`);
    const proc = spawn(process.execPath, ["--import", "tsx", this.entry], {
      env: { ...process.env, ...this.env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.trim()) this.output.push(line);
      if (this.output.length > 400) this.output.splice(0, this.output.length - 400);
    };
    proc.stdout!.on("data", keep);
    proc.stderr!.on("data", keep);
    proc.once("exit", (code, signal) => {
      if (this.proc === proc) {
        this.proc = null;
        if (signal !== "SIGKILL" && signal !== "SIGTERM" && code !== 0) this.output.push(`[${this.name} exited on its own: code ${code} signal ${signal}]`);
      }
    });
    this.proc = proc;
  }

  get running(): boolean {
    return this.proc !== null && this.proc.exitCode === null;
  }

  /** Whether it died by itself (it was started and is no longer running, and nobody stopped it). */
  get crashed(): boolean {
    return this.output.some((l) => l.includes("exited on its own"));
  }

  async kill(signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    proc.kill(signal);
    await exited;
    this.proc = null;
    if (signal === "SIGKILL") this.kills++;
  }

  /** Stops it the way a deployment does (SIGTERM: finish the current jobs), or kills it after a while. */
  async stop(timeoutMs = 20_000): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    await this.kill("SIGTERM");
    clearTimeout(timer);
  }

  tail(lines = 40): string {
    return this.output.slice(-lines).join("\n");
  }

  clearOutput(): void {
    this.output = [];
  }
}

export interface Delivery {
  messageId: string;
  at: number;
}

/**
 * A real SMTP server on a fixed loopback port that keeps, per recipient, the
 * Message-ID of every message it accepted. It can be stopped (listener closed,
 * open connections cut) and started again on the same port.
 */
export class CountingSmtp {
  readonly received = new Map<string, Delivery[]>();
  private server: SMTPServer | null = null;
  private sockets = new Set<Socket>();
  total = 0;

  constructor(readonly port: number) {}

  async start(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onData: (stream, session, callback) => {
        let head = "";
        stream.on("data", (chunk: Buffer) => {
          if (head.length < 8192) head += chunk.toString("utf8");
        });
        stream.on("end", () => {
          const messageId = /^message-id:\s*(\S+)/im.exec(head)?.[1] ?? "";
          const at = Date.now();
          for (const rcpt of session.envelope.rcptTo) {
            const address = rcpt.address.toLowerCase();
            const list = this.received.get(address) ?? [];
            list.push({ messageId, at });
            this.received.set(address, list);
            this.total++;
          }
          callback();
        });
      },
    });
    server.on("error", () => {});
    server.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.server = server;
  }

  /** The server goes away: no new connections, and the open ones are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  /** Messages accepted for the recipients whose address starts with `prefix`. */
  countFor(prefix: string): number {
    let n = 0;
    for (const [address, list] of this.received) if (address.startsWith(prefix)) n += list.length;
    return n;
  }
}

/**
 * The local services (scripts/services.sh), broken on purpose. Never the
 * caller's external ones. Asynchronous: the SMTP server and the request
 * stream of this process go on meanwhile.
 */
export function services(command: "restart-postgres" | "stop-redis" | "start-redis"): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // The local services' own URLs (or none): anything else would make services.sh treat them as external.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.TEST_DATABASE_URL;
  // What this run starts again was running before it: the caller's list of services to stop stays as it was.
  delete env.SERVICES_STARTED_FILE;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["scripts/services.sh", command], { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`services.sh ${command} failed: ${stderr}`))));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; false after `timeoutMs`. A check that throws (a service is down) counts as not yet. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // a service is away; ask again
    }
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

export { freePort } from "../ports";

/**
 * The worker deployment: `size` worker processes side by side (ADR 012), killed
 * and started together, so that a kill leaves nobody running, as a single
 * worker's death would, and the two race for the same rows in between.
 */
export class Workers {
  readonly children: Child[];
  kills = 0;

  constructor(size: number, entry: string, env: () => Record<string, string>) {
    this.children = Array.from({ length: size }, (_, i) => new Child(`worker ${i + 1}`, entry, env));
  }

  start(): void {
    for (const c of this.children) if (!c.running) c.start();
  }

  get running(): boolean {
    return this.children.every((c) => c.running);
  }

  get crashed(): boolean {
    return this.children.some((c) => c.crashed);
  }

  async kill(): Promise<void> {
    await Promise.all(this.children.map((c) => c.kill("SIGKILL")));
    this.kills++;
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
  }

  tail(lines = 30): string {
    return this.children.map((c) => `[${c.name}]\n${c.tail(lines)}`).join("\n");
  }

  clearOutput(): void {
    for (const c of this.children) c.clearOutput();
  }
}
