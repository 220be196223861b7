/** Saturation of a Node.js service, from prom-client's default metrics (every Node service has them). */
import { type PanelDraft, timeSeries } from './panels.js';

export function nodeProcessPanels(selector: string): PanelDraft[] {
  return [
    timeSeries({
      title: 'CPU per pod',
      description: 'CPU seconds used per second: compare with the container limit; Node runs JavaScript on one core.',
      unit: 'short',
      min: 0,
      queries: [{ expr: `sum by (pod) (rate(process_cpu_seconds_total{${selector}}[$__rate_interval]))`, legend: '{{pod}}' }],
    }),
    timeSeries({
      title: 'Event loop lag p99 per pod',
      description: 'How long ready work waits for the event loop: rises before latency does when a pod is saturated.',
      unit: 's',
      min: 0,
      queries: [{ expr: `max by (pod) (nodejs_eventloop_lag_p99_seconds{${selector}})`, legend: '{{pod}}' }],
    }),
    timeSeries({
      title: 'Memory per pod',
      description: 'Resident set size and V8 heap in use: compare the RSS with the container memory limit.',
      unit: 'bytes',
      min: 0,
      queries: [
        { expr: `sum by (pod) (process_resident_memory_bytes{${selector}})`, legend: '{{pod}} rss' },
        { expr: `sum by (pod) (nodejs_heap_size_used_bytes{${selector}})`, legend: '{{pod}} heap' },
      ],
    }),
  ];
}
