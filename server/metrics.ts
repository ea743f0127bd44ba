// Prometheus metrics (prom-client), served at /metrics. One registry per process.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({ name: 'chat_websocket_connections', help: 'Open WebSocket connections', registers }),
    subscriptions: new Gauge({ name: 'chat_subscriptions_active', help: 'Active GraphQL subscriptions', registers }),
    messagesSent: new Counter({ name: 'chat_messages_sent_total', help: 'Messages stored and published', registers }),
    deliveries: new Counter({ name: 'chat_deliveries_total', help: 'Messages handed to subscribers', registers }),
    sendDuration: new Histogram({
      name: 'chat_send_duration_seconds',
      help: 'Time to validate, store and publish a message',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    errors: new Counter({
      name: 'chat_errors_total',
      help: 'Errors returned to clients, by code (INTERNAL: unexpected)',
      labelNames: ['code'] as const,
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
