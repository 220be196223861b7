import net from 'node:net';

export interface RawReply {
  /** Status of the first response, or null when the server closed or the wait ran out without one. */
  readonly status: number | null;
  /** The whole response text (headers and body). */
  readonly text: string;
}

/**
 * Sends bytes over a fresh TCP connection exactly as given (fetch refuses malformed requests,
 * which is the point here) and reads until the server closes or `timeoutMs` passes.
 */
export function rawRequest(url: string, bytes: Buffer | string, timeoutMs = 5000): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : null, text });
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', finish);
    socket.write(bytes);
  });
}

/** A request line, headers and an optional body, with Content-Length and Connection: close. */
export function httpMessage(method: string, path: string, headers: Record<string, string>, body?: Buffer | string): Buffer {
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (payload) lines.push(`Content-Length: ${payload.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload ?? Buffer.alloc(0)]);
}
