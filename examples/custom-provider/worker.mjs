// A worker that idles until SIGTERM, then exits (a real one would finish the job it holds first).
const timer = setInterval(() => {}, 1 << 30);
process.once('SIGTERM', () => {
  clearInterval(timer);
  process.exit(0);
});
