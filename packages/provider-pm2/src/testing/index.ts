// @fleet/provider-pm2/testing: a throwaway PM2 daemon for tests.
export { type Pm2TestDaemon, type StartPm2DaemonOptions, startPm2Daemon } from './pm2-daemon.js';
