// The web app: every PM2 cluster instance listens on the same PORT. `/work` takes WORK_MS; `/internal/metrics`
// reports this instance's requests in flight (the cluster balances requests, so one instance's figure is the average).
const http = require('node:http');

let inFlight = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/internal/metrics') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ inFlight, pid: process.pid }));
    return;
  }
  inFlight++;
  setTimeout(
    () => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pid: process.pid }));
    },
    Number(process.env.WORK_MS ?? 200),
  );
});
server.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => process.send?.('ready'));
// PM2 stops an instance with SIGINT: finish the requests in flight, then exit.
process.once('SIGINT', () => server.close(() => process.exit(0)));
