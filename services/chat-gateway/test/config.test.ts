import { expect } from 'chai';
import { DEFAULT_CONFIG, loadConfig, validateConfig } from '../src/config.js';
import { startChatGateway } from '../src/server.js';
import { TOOL_NAMES, TOOL_SCHEMAS } from '../src/intent/tools.js';

describe('chat-gateway configuration', () => {
  it('defaults to port 8081, the local API and the local origins', () => {
    const config = loadConfig({});
    expect(config).to.deep.equal(DEFAULT_CONFIG);
    expect([config.port, config.todoApiUrl, config.allowedOrigins]).to.deep.equal([
      8081,
      'http://localhost:8080',
      ['http://localhost:3000', 'http://127.0.0.1:3000'],
    ]);
  });
  it('reads every limit from the environment', () => {
    const config = loadConfig({
      PORT: '9000',
      TODO_API_URL: 'http://todo-api:8080',
      ALLOWED_ORIGINS: 'https://todo.example.com, https://b.example.com',
      MAX_CONNECTIONS_PER_USER: '100',
      MAX_PAYLOAD_BYTES: '4096',
      RATE_LIMIT_PER_SECOND: '5',
      API_TIMEOUT_MS: '2000',
      DEFAULT_TIME_ZONE: 'Europe/Paris',
    });
    expect(config).to.include({
      port: 9000,
      todoApiUrl: 'http://todo-api:8080',
      maxConnectionsPerUser: 100,
      maxPayloadBytes: 4096,
      rateLimitPerSecond: 5,
      apiTimeoutMs: 2000,
      defaultTimeZone: 'Europe/Paris',
    });
    expect(config.allowedOrigins).to.deep.equal(['https://todo.example.com', 'https://b.example.com']);
  });
  for (const [env, message] of [
    [{ PORT: 'eighty' }, 'PORT must be an integer in [0, 65535], got "eighty"'],
    [{ MAX_CONNECTIONS_PER_USER: '0' }, 'MAX_CONNECTIONS_PER_USER must be an integer in [1, 100000], got "0"'],
    [{ TODO_API_URL: 'todo-api:8080' }, 'todoApiUrl must be an http(s) URL, got "todo-api:8080"'],
    [{ DEFAULT_TIME_ZONE: 'Mars/Olympus' }, 'defaultTimeZone must be an IANA time zone, got "Mars/Olympus"'],
    [
      { ALLOWED_ORIGINS: 'https://ok.example.com/path' },
      'allowedOrigins entries must look like https://host[:port], got "https://ok.example.com/path"',
    ],
  ] as const) {
    it(`refuses ${JSON.stringify(env)} naming the variable and the value`, () => {
      expect(() => loadConfig(env)).to.throw(message);
    });
  }
  it('validates programmatic overrides before starting', async () => {
    let error: unknown;
    await startChatGateway({ apiTimeoutMs: -1 }).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('apiTimeoutMs must be a positive number, got -1');
    expect(() => validateConfig({ ...DEFAULT_CONFIG, shutdownDelayMs: -5 })).to.throw('shutdownDelayMs must be >= 0, got -5');
  });
});

describe('tool interface', () => {
  it('describes every tool the engine can call with a JSON schema', () => {
    expect(TOOL_SCHEMAS.map((t) => t.name)).to.deep.equal([...TOOL_NAMES]);
    for (const tool of TOOL_SCHEMAS) expect(tool.parameters.type).to.equal('object');
  });
});
