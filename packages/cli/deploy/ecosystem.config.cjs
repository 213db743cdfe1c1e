// PM2 ecosystem entry for the daemon: one instance (the Autoscaler must not run twice without a leader elector).
// pm2 start deploy/ecosystem.config.cjs
module.exports = {
  apps: [
    {
      name: 'fleet-autoscaler',
      script: 'node_modules/@fleet/cli/dist/bin.js',
      args: 'run fleet.yaml',
      instances: 1,
      exec_mode: 'fork',
      // fleet run stops on SIGINT: it waits for the tick in flight, then closes its servers and the provider.
      kill_timeout: 35_000,
      env: { NODE_ENV: 'production' },
    },
  ],
};
