import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics.js';

/** Keeps /readyz in step with the todo-api's own readiness, checked in the background. */
export class ApiReadiness {
  up = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly config: { readonly todoApiUrl: string; readonly apiTimeoutMs: number; readonly readinessIntervalMs: number },
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.config.readinessIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(): Promise<void> {
    let up: boolean;
    try {
      const response = await fetch(new URL('/readyz', this.config.todoApiUrl), { signal: AbortSignal.timeout(this.config.apiTimeoutMs) });
      await response.body?.cancel();
      up = response.status === 200;
    } catch {
      up = false;
    }
    if (up !== this.up) this.logger.info({ todoApiUp: up }, up ? 'todo-api reachable' : 'todo-api unreachable');
    this.up = up;
    this.metrics.todoApiUp.set(up ? 1 : 0);
  }
}
