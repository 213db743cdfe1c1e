// S4: a web app in PM2 cluster mode, 2–16 instances sharing its port, scaled on request latency.
export default {
  name: 'web',
  min: 2,
  max: 16,
  intervalMs: 15_000,
  cooldown: { up: 30_000, down: 120_000 },
  stabilization: { down: 300_000 },
  policy: { type: 'targetTracking', metric: 'p95LatencyMs', targetValue: 200 },
  metrics: [{ type: 'httpJson', url: 'http://127.0.0.1:3000/internal/metrics', path: { p95LatencyMs: 'latency.p95' } }],
  // S4 ran `instances: 'max'` (one per CPU); the provider's max must be at least the Autoscaler's (16 here).
  provider: { type: 'pm2', mode: 'instances', name: 'web', script: './server.js', execMode: 'cluster', max: 16 },
  prometheus: { port: 9464 },
};
