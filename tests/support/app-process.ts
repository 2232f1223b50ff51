import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { expectEventually } from './eventually.js';

/**
 * catalog-sync as its own process (`src/main.ts all`, compiled on the fly by @swc-node), so a test can kill it the
 * way a crash or an OOM killer does (SIGKILL: no shutdown hook runs, no consumer leaves its group) and start it
 * again on the same port. Output goes to `logFile`.
 */
export class AppProcess {
  private child: ChildProcess | undefined;
  readonly url: string;

  constructor(
    private readonly env: Record<string, string>,
    private readonly logFile: string,
  ) {
    this.url = `http://127.0.0.1:${env.PORT}`;
  }

  /** Starts it and waits until it answers /healthz (its consumers may still be joining). */
  async start(): Promise<void> {
    const out = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      process.execPath,
      ['--disable-warning=TimeoutNegativeWarning', '--import', '@swc-node/register/esm-register', 'src/main.ts', 'all'],
      { env: { ...process.env, ...this.env }, stdio: ['ignore', out, out] },
    );
    fs.closeSync(out);
    const child = this.child;
    await expectEventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`catalog-sync exited with ${child.exitCode}; see ${this.logFile}`);
        expect((await fetch(`${this.url}/healthz`)).status).toBe(200);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  /** Waits until every Kafka consumer has joined (after a kill, the dead member's session must expire first). */
  ready(timeoutMs = 60_000): Promise<unknown> {
    return expectEventually(async () => expect((await fetch(`${this.url}/readyz`)).status).toBe(200), {
      timeoutMs,
      intervalMs: 200,
    });
  }

  /** SIGKILL, as a crash. */
  kill(): Promise<void> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: a clean shutdown. */
  stop(): Promise<void> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}
