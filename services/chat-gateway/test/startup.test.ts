import { expectPlainStartFailure, occupiedPort, runMain } from '../../todo-api/test/mainProcess.js';

const MAIN = 'services/chat-gateway/src/main.ts';

describe('chat-gateway start-up errors name the setting to change', function () {
  this.timeout(60_000);

  it('a port in use', async () => {
    const { port, release } = await occupiedPort();
    try {
      expectPlainStartFailure(
        await runMain(MAIN, { PORT: String(port), HOST: '127.0.0.1', TODO_API_URL: 'http://127.0.0.1:9' }),
        `chat-gateway cannot start: PORT ${port} is in use on 127.0.0.1: set PORT to a free port`,
      );
    } finally {
      await release();
    }
  });

  it('a malformed setting', async () => {
    expectPlainStartFailure(
      await runMain(MAIN, { PORT: 'eighty' }),
      'chat-gateway cannot start: PORT must be an integer in [0, 65535], got "eighty"',
    );
    expectPlainStartFailure(
      await runMain(MAIN, { TODO_API_URL: 'ftp://x' }),
      'chat-gateway cannot start: todoApiUrl must be an http(s) URL, got "ftp://x"',
    );
  });
});
