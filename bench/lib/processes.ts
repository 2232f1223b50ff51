// Every process the bench starts (emulators, our app roles, baselines, the peer) runs on its own, from dist/ (the
// bench script builds first), with its output in .cache/bench/logs/. Each is stopped at the end, whatever happens.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, projectRoot } from '../../scripts/lib/services.mjs';
import { sleep } from './deadline.js';
import { request } from './http.js';

export const benchDir = path.join(projectRoot, '.cache', 'bench');
export const logDir = path.join(benchDir, 'logs');
export const profileDir = path.join(benchDir, 'profiles');

const running = new Set<Child>();

export interface Memory {
  /** Resident set now (MiB). */
  rssMiB: number;
  /** Peak resident set of the process so far (VmHWM, MiB). */
  peakMiB: number;
}

export class Child {
  /** Highest VmHWM seen while it ran (kept after it exits). */
  peakMiB = 0;

  constructor(
    readonly name: string,
    private readonly proc: ChildProcess,
    readonly logFile: string,
  ) {
    running.add(this);
    proc.once('exit', () => running.delete(this));
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get exited(): boolean {
    return this.proc.exitCode !== null || this.proc.signalCode !== null;
  }

  /** From /proc/<pid>/status; undefined once it has exited. */
  memory(): Memory | undefined {
    if (this.exited) return undefined;
    try {
      const status = fs.readFileSync(`/proc/${this.pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      const memory = { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
      this.peakMiB = Math.max(this.peakMiB, memory.peakMiB);
      return memory;
    } catch {
      return undefined;
    }
  }

  /** SIGTERM (a clean shutdown; a CPU profile is written then), SIGKILL after `killAfterMs`. */
  async stop(killAfterMs = 20_000): Promise<void> {
    this.memory();
    if (this.exited) return;
    const exited = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }
}

/** Starts `node <script relative to dist/> ...args` with `env` added to ours; output goes to its log file. */
export function spawnNode(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  { cpuProf = false }: { cpuProf?: boolean } = {},
): Child {
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const out = fs.openSync(logFile, 'a');
  const nodeArgs = ['--disable-warning=TimeoutNegativeWarning'];
  if (cpuProf) {
    fs.mkdirSync(profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`);
  }
  const proc = spawn(process.execPath, [...nodeArgs, path.join(projectRoot, 'dist', script), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  return new Child(name, proc, logFile);
}

/**
 * A server process on a free 127.0.0.1 port: `env(port)` tells it the port; resolves once `healthPath` answers 200.
 */
export async function startServer(
  name: string,
  script: string,
  env: (port: number) => Record<string, string>,
  healthPath: string,
): Promise<{ child: Child; url: string }> {
  const port = await freePort();
  const child = spawnNode(name, script, [], env(port));
  const url = `http://127.0.0.1:${port}`;
  await waitHttp(child, `${url}${healthPath}`);
  return { child, url };
}

/** Waits until `url` answers `status` (default 200); throws if the child exits first or after `timeoutMs`. */
export async function waitHttp(child: Child, url: string, timeoutMs = 60_000, status = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited) throw new Error(`${child.name} exited; see ${child.logFile}`);
    const answered = await request(url).then(
      (r) => r.status,
      () => 0,
    );
    if (answered === status) return;
    if (Date.now() > deadline) throw new Error(`${child.name} not ready at ${url} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Stops every process still running (SIGTERM, then SIGKILL after 10 s). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop(10_000)));
}

/** Last resort (hard deadline, second Ctrl-C): SIGKILL everything at once. */
export function killAll(): void {
  for (const child of running) child.kill();
}
