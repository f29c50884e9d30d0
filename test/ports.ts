import { createServer } from "node:net";

/**
 * A free TCP port on loopback: any the system hands out, or, with TEST_PORTS=FROM-TO set (a
 * machine shared by several checkouts, each given its own range), a free one in that range.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.TEST_PORTS ?? "");
  if (!range) return listenOn(0);
  // Vitest runs test files in parallel processes: each starts at its own point of the range, and
  // none hands out a port twice (two asked for in a row may not be listened on yet).
  const from = Number(range[1]);
  const size = Number(range[2]) - from + 1;
  for (let i = 0; i < size; i++) {
    const port = from + ((process.pid + i) % size);
    if (handedOut.has(port)) continue;
    const got = await listenOn(port).catch(() => null);
    if (got !== null) {
      handedOut.add(got);
      return got;
    }
  }
  throw new Error(`no free port in TEST_PORTS=${process.env.TEST_PORTS}`);
}

const handedOut = new Set<number>();

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(port, "127.0.0.1", () => {
      const { port: bound } = srv.address() as { port: number };
      srv.close(() => resolve(bound));
    });
  });
}
