import { once } from 'node:events';
import net from 'node:net';

/**
 * A TCP relay between the API and PostgreSQL that can be cut and restored, standing in for a
 * network partition or a database host going away:
 * - `cut('refuse')` closes the listening port and resets every relayed connection: new
 *   connections are refused at once (host up, database down);
 * - `cut('blackhole')` keeps accepting but forwards nothing and answers nothing, and resets the
 *   relayed connections: new connections hang until the client's own timeout (packets dropped);
 * - `restore()` listens on the same port again and relays normally.
 */
export class TcpRelay {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private mode: 'relay' | 'blackhole' = 'relay';
  private port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening on an ephemeral loopback port; returns it. */
  async start(): Promise<number> {
    await this.listen(0);
    return this.port;
  }

  async cut(how: 'refuse' | 'blackhole'): Promise<void> {
    this.mode = how === 'blackhole' ? 'blackhole' : 'relay';
    // close() waits for open connections, so reset them while it waits.
    const closed = how === 'refuse' ? this.closeListener() : Promise.resolve();
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    await closed;
  }

  async restore(): Promise<void> {
    for (const socket of this.sockets) socket.resetAndDestroy();
    this.sockets.clear();
    this.mode = 'relay';
    if (!this.server) await this.listen(this.port);
  }

  async close(): Promise<void> {
    const closed = this.closeListener();
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  private async listen(port: number): Promise<void> {
    const server = net.createServer((client) => this.accept(client));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    this.server = server;
    this.port = (server.address() as net.AddressInfo).port;
  }

  private async closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.track(client);
    if (this.mode === 'blackhole') return;
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const both = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', both);
    upstream.on('close', both);
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
  }
}
