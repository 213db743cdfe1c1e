// A warm-up worker. The real one sends warm-up mail for the mailboxes it owns (`owns(id, { workerId, members })`
// from @fleet/core, so adding a worker moves only a share of them); here it idles until it is stopped.
const timer = setInterval(() => {}, 1 << 30);
process.once('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
process.send?.('ready');
