/**
 * A span exporter that sends from a worker thread: the main thread only serializes each batch to
 * OTLP/JSON; the HTTP request to the collector, its sockets and its response are made and read in
 * trace-export-worker.ts, in a V8 isolate of its own.
 *
 * Why a thread: Node's HTTP, stream and socket code is shared by every HTTP object of an isolate.
 * With the stock exporter's client requests, responses and sockets passing through it beside the
 * server's, V8's inline caches in that code (`OutgoingMessage.end`, `Writable.uncork`,
 * `Readable.read`, `Socket._writeGeneric`, …) turned megamorphic and their optimized code was
 * thrown away ("wrong map" deopts in `--trace-deopt`): every request paid, sampled or not.
 */
import { Worker } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExportReply, ExportRequest } from './trace-export-worker.js';

/** The worker's script beside this module, as built (`.js`, `.mjs` in a bundle) or as source (`.ts`, run by tsx). */
function workerScript(): URL {
  const extension = /\.[cm]?[jt]s$/.exec(new URL(import.meta.url).pathname)?.[0] ?? '.js';
  return new URL(`./trace-export-worker${extension}`, import.meta.url);
}

export class WorkerSpanExporter implements SpanExporter {
  private readonly worker = new Worker(workerScript());
  private readonly pending = new Map<number, (result: ExportResult) => void>();
  private nextId = 0;
  private stopped: Error | undefined;
  private readonly drained: (() => void)[] = [];

  constructor() {
    // Idle, the thread must not keep the process alive; with a batch in flight it must, so that
    // a shutdown's flush (flushTraces) is answered.
    this.worker.unref();
    this.worker.on('message', (reply: ExportReply) =>
      this.settle(reply.id, { code: reply.code, ...(reply.error ? { error: new Error(reply.error) } : {}) }),
    );
    this.worker.on('error', (error: Error) => this.stop(error));
    this.worker.on('exit', (code) => this.stop(new Error(`the trace export thread exited with code ${code}`)));
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: this.stopped });
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) return resultCallback({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialized to OTLP/JSON') });
    const id = ++this.nextId;
    if (this.pending.size === 0) this.worker.ref();
    this.pending.set(id, resultCallback);
    const request: ExportRequest = { id, body, spans: spans.length };
    this.worker.postMessage(request);
  }

  /** Resolves once every batch handed over so far has been answered. */
  forceFlush(): Promise<void> {
    if (this.pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.stopped ??= new Error('the trace exporter is shut down');
    await this.worker.terminate();
  }

  private settle(id: number, result: ExportResult): void {
    const callback = this.pending.get(id);
    if (!callback) return;
    this.pending.delete(id);
    callback(result);
    if (this.pending.size === 0) {
      this.worker.unref();
      for (const resolve of this.drained.splice(0)) resolve();
    }
  }

  /** The thread is gone: every batch still waiting fails, and so does every later one. */
  private stop(error: Error): void {
    this.stopped ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id, { code: ExportResultCode.FAILED, error });
  }
}
