// Stops the server once the `npm start` that launched it has gone, since npm's SIGTERM never reaches it.
import cluster from 'node:cluster';

/**
 * npm 11 forwards SIGTERM and SIGINT only to its direct child, the `sh -c` running the start script; sh dies
 * of it without passing it on, npm exits, and node is left running, reparented. The only trace is a new parent
 * pid, so it is polled. Only under npm (`npm_lifecycle_event` set): a server started another way (a supervisor,
 * `nohup`, a container's init) may outlive whoever started it on purpose. Cluster workers are left out: their
 * parent is the primary, and Node ends a worker whose primary has gone.
 */
export function stopWhenLauncherExits(shutdown: (reason: string) => void, intervalMs = 500): void {
  if (process.env.npm_lifecycle_event === undefined || !cluster.isPrimary) return;
  const launcher = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === launcher) return;
    clearInterval(timer);
    shutdown(`because its launcher (npm start, parent pid ${launcher}) has exited`);
  }, intervalMs);
  // Never what keeps the process alive.
  timer.unref();
}
