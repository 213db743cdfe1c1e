// S4: `pnpm --filter @fleet/example-pm2-cluster start`, then load it (e.g. `npx autocannon -c 40 http://127.0.0.1:3000/`)
// and watch `pm2 ls`. Ctrl-C stops the Autoscaler and removes the app.
import { startWebCluster } from './web-cluster.js';

const web = await startWebCluster({ port: Number(process.env.PORT ?? 3000) });
web.scaler.on('decision', (d) => console.log(`${d.from} → ${d.to}  ${d.action.padEnd(10)} ${d.reason}`));
process.once('SIGINT', async () => {
  await web.stop({ removeApp: true });
  process.exit(0);
});
