// CPU time of the workerd process Miniflare started, read from /proc (Linux). On a shared machine a request's wall
// time mostly measures how long workerd waited for a core; its CPU time measures the work itself.
import { readdirSync, readFileSync } from 'node:fs';

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** A function returning the CPU time, in ms, that workerd (this process's child) has used, or undefined off Linux. */
export function workerdCpuMs(): (() => number) | undefined {
  if (!read('/proc/self/stat')) return undefined;
  const children = readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    const stat = read(`/proc/${entry}/stat`) ?? '';
    // Fields after the command name: state, then the parent's pid.
    return stat.includes('(workerd)') && stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(process.pid);
  });
  const pid = children[0];
  if (children.length !== 1 || pid === undefined) return undefined;
  // schedstat's first field: nanoseconds on a CPU, per thread, so the sum covers every thread of workerd.
  return () =>
    readdirSync(`/proc/${pid}/task`).reduce(
      (sum, task) => sum + Number(read(`/proc/${pid}/task/${task}/schedstat`)?.split(' ')[0] ?? 0),
      0,
    ) / 1e6;
}
