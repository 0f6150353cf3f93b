/**
 * A loopback TCP proxy a fault test can cut: `down()` drops every connection and refuses new
 * ones (the server "is unavailable"), `up()` restores service. Used to take PostgreSQL away from
 * the system under test without touching the shared server.
 */
import net from "node:net";

export interface TcpProxy {
  port: number;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let available = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!available) {
      client.destroy();
      return;
    }
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    down() {
      available = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    up() {
      available = true;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** The same database URL, reached through the proxy. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = "127.0.0.1";
  u.port = String(proxy.port);
  return u.toString();
}
