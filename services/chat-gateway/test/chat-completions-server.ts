import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server received: the parsed body and the headers. */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON requests, read field by field
  readonly body: any;
}

type Answer = (res: ServerResponse) => void;

/**
 * A real HTTP server speaking the chat-completions protocol with scripted answers, one per
 * request in order (the last one repeats), standing in for the model endpoint the tests cannot reach.
 */
export class ChatCompletionsServer {
  readonly requests: ReceivedRequest[] = [];
  private script: Answer[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
  ) {}

  static async start(): Promise<ChatCompletionsServer> {
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => (raw += chunk));
      req.on('end', () => {
        self.requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(raw) });
        const answer = self.script.length > 1 ? self.script.shift()! : self.script[0];
        if (answer) answer(res);
        else json(res, 500, { error: { message: 'no scripted answer' } });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const self = new ChatCompletionsServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    return self;
  }

  /** The answers to the next requests, in order. */
  answer(...answers: Answer[]): void {
    this.script = answers;
  }

  /** An answer that never comes. */
  readonly hang: Answer = (res) => {
    this.hanging.add(res);
  };

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

/** A completion whose message is the given tool calls (name and arguments, the arguments as the model wrote them). */
export function toolCalls(...calls: { name: string; arguments: unknown }[]): Answer {
  return (res) =>
    json(res, 200, {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_796_000_000,
      model: 'test-model',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: calls.map((call, i) => ({
              id: `call_${i}`,
              type: 'function',
              function: {
                name: call.name,
                arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
              },
            })),
          },
        },
      ],
    });
}

export const toolCall = (name: string, args: unknown): Answer => toolCalls({ name, arguments: args });

/** A completion in plain text, no tool call. */
export function textAnswer(content: string): Answer {
  return (res) =>
    json(res, 200, {
      id: 'chatcmpl-test',
      object: 'chat.completion',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    });
}

export const status =
  (code: number): Answer =>
  (res) =>
    json(res, code, { error: { message: `scripted ${code}` } });
export const raw =
  (body: string): Answer =>
  (res) =>
    json(res, 200, body);
