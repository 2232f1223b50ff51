// Throwaway local services for development and tests: a PostgreSQL cluster and a single-node KRaft Kafka broker.
// Plain ESM JavaScript on purpose: it runs before anything is compiled (jest globalSetup, the start command).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The nearest folder with package.json: this file also runs compiled from dist/scripts/lib.
function findProjectRoot(start) {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));
export const kafkaLibs = path.join(projectRoot, '.cache', 'kafka', 'libs');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function canConnect(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` until it is true; throws when `proc` exits first or `timeoutMs` passes. */
export async function waitFor(what, check, timeoutMs, proc) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`${what} exited early with code ${proc.exitCode}`);
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** A port a previous run saved, if nothing listens on it now (kept data comes back where it was); else a free one. */
async function reusablePort(saved) {
  return saved && !(await canConnect(saved)) ? saved : await freePort();
}

function makeTempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base))
    throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql: run `npm run setup`');
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error('pg_ctl not found: run `npm run setup`');
  return path.join(base, versions[0], 'bin');
}

// initdb refuses to run as root, so as root the cluster belongs to the `postgres` system user.
function runPg(bin, args, opts = {}) {
  const isRoot = process.getuid?.() === 0;
  const [cmd, argv] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', path.join(pgBinDir(), bin), ...args]]
    : [path.join(pgBinDir(), bin), args];
  const res = spawnSync(cmd, argv, { encoding: 'utf8', ...opts });
  if (res.status !== 0) throw new Error(`${bin} failed (${res.status}): ${res.stderr || res.stdout}`);
  return res;
}

/**
 * Starts a PostgreSQL cluster on a free port: in a fresh temp dir (throwaway), or in `dir` (kept: `npm start`
 * reuses the cluster a previous run left there, on its port if that is free). Returns { url, stop, halt,
 * resume }: `halt` stops the server (fast mode) and keeps its data, `resume` starts it again on the same port,
 * `stop` stops it and deletes a throwaway cluster. A throwaway cluster runs with fsync off (several times faster
 * tests); a kept one is durable.
 */
export async function startPostgres({ database = 'catalog_sync', dir: keptDir } = {}) {
  const dir = keptDir ?? makeTempDir('catalog-sync-pg-');
  fs.mkdirSync(dir, { recursive: true });
  const dataDir = path.join(dir, 'data');
  if (process.getuid?.() === 0) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  const fresh = !fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  const portFile = path.join(dir, 'port');
  const savedPort = keptDir && fs.existsSync(portFile) ? Number(fs.readFileSync(portFile, 'utf8')) : undefined;
  const port = await reusablePort(savedPort);
  if (keptDir) fs.writeFileSync(portFile, String(port));
  if (fresh) runPg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'app', '--no-sync', '-E', 'UTF8']);
  const speed = keptDir ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${speed} -c max_connections=200`;
  const start = () =>
    runPg('pg_ctl', ['-D', dataDir, '-l', path.join(dir, 'postgres.log'), '-o', options, '-w', 'start']);
  start();
  if (fresh) runPg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'app', database]);
  const url = `postgres://app@127.0.0.1:${port}/${database}`;
  return {
    url,
    port,
    dir,
    async halt() {
      // Fast mode: a restart that keeps every acknowledged commit (this cluster runs with synchronous_commit=off,
      // so an immediate stop could drop the last ones, which no real deployment would be configured to do).
      runPg('pg_ctl', ['-D', dataDir, '-m', 'fast', 'stop']);
    },
    async resume() {
      start();
    },
    async stop() {
      if (keptDir) return runPg('pg_ctl', ['-D', dataDir, '-m', 'fast', 'stop']);
      try {
        runPg('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding (what `kafka-storage random-uuid` prints).
 * Like Kafka's own Uuid.randomUuid, never one that starts with '-': the storage tool's argument parser would read
 * it as an option ("expected one argument"), which happened about once in 64 runs.
 */
export function kafkaClusterId(random = () => randomBytes(16)) {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * A single-node KRaft Kafka broker (combined broker+controller) on 127.0.0.1. Its data dir survives stop()/start()
 * so tests can take the broker down and bring it back with its topics and offsets.
 */
export class KafkaBroker {
  constructor({ port, controllerPort, dir, partitions = 3 }) {
    this.port = port;
    this.controllerPort = controllerPort;
    this.dir = dir;
    this.partitions = partitions;
    this.proc = null;
  }

  /**
   * A broker in a fresh temp dir (throwaway), or in `dir` (kept: `npm start` reuses the log a previous run left
   * there, on the same ports when they are free; `destroy()` then keeps it).
   */
  static async create({ dir: keptDir, ...opts } = {}) {
    if (!fs.existsSync(kafkaLibs)) throw new Error(`Kafka jars not found in ${kafkaLibs}: run \`npm run setup\``);
    const portsFile = keptDir && path.join(keptDir, 'ports.json');
    const saved = portsFile && fs.existsSync(portsFile) ? JSON.parse(fs.readFileSync(portsFile, 'utf8')) : {};
    const broker = new KafkaBroker({
      port: await reusablePort(saved.port),
      controllerPort: await reusablePort(saved.controllerPort),
      dir: keptDir ?? makeTempDir('catalog-sync-kafka-'),
      ...opts,
    });
    broker.kept = !!keptDir;
    fs.mkdirSync(broker.dir, { recursive: true });
    const formatted = fs.existsSync(path.join(broker.dir, 'data', 'meta.properties'));
    broker.writeConfig();
    if (!formatted) broker.format();
    if (portsFile)
      fs.writeFileSync(portsFile, JSON.stringify({ port: broker.port, controllerPort: broker.controllerPort }));
    await broker.start();
    return broker;
  }

  get brokers() {
    return `127.0.0.1:${this.port}`;
  }

  /** Writes server.properties and the log4j config (every start: the ports may have changed). */
  writeConfig() {
    const props = [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${this.controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${path.join(this.dir, 'data')}`,
      `num.partitions=${this.partitions}`,
      // Topics are created explicitly by the app (src/core/topics.ts); a typo must not create a new topic.
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'group.initial.rebalance.delay.ms=0',
      'log.flush.interval.messages=100000',
    ];
    fs.writeFileSync(path.join(this.dir, 'server.properties'), props.join('\n') + '\n');
    fs.writeFileSync(
      path.join(this.dir, 'log4j.properties'),
      [
        'log4j.rootLogger=WARN, file',
        'log4j.appender.file=org.apache.log4j.FileAppender',
        `log4j.appender.file.File=${path.join(this.dir, 'kafka.log')}`,
        'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      ].join('\n') + '\n',
    );
  }

  /** Formats the log directory for a new single-node KRaft cluster. */
  format() {
    const res = spawnSync(
      'java',
      [
        ...this.javaArgs(),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        kafkaClusterId(),
        '-c',
        path.join(this.dir, 'server.properties'),
      ],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`kafka storage format failed: ${res.stderr || res.stdout}`);
  }

  javaArgs() {
    return [
      '-Xms128m',
      '-Xmx512m',
      `-Dlog4j.configuration=file:${path.join(this.dir, 'log4j.properties')}`,
      '-cp',
      `${kafkaLibs}/*`,
    ];
  }

  async start() {
    if (this.proc) return;
    const out = fs.openSync(path.join(this.dir, 'stdout.log'), 'a');
    this.proc = spawn('java', [...this.javaArgs(), 'kafka.Kafka', path.join(this.dir, 'server.properties')], {
      stdio: ['ignore', out, out],
      // Its own process group: a Ctrl-C in the terminal reaches `npm start`, which stops the app first and the
      // broker after it, instead of the broker dying under the app's consumers.
      detached: true,
    });
    const proc = this.proc;
    await waitFor(`kafka broker on ${this.brokers}`, () => canConnect(this.port), 60_000, proc);
  }

  /** Stops the broker cleanly (SIGTERM; SIGKILL if it has not exited after 15 s). */
  stop() {
    return this.signal('SIGTERM', 15_000);
  }

  /** Kills the broker as a crash would (SIGKILL): nothing is flushed or handed over; `start()` brings it back. */
  kill() {
    return this.signal('SIGKILL');
  }

  async signal(signal, killAfterMs) {
    const proc = this.proc;
    if (!proc) return;
    this.proc = null;
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill(signal);
    const timer = killAfterMs && setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    await exited;
    if (timer) clearTimeout(timer);
  }

  async destroy() {
    await this.stop();
    if (!this.kept) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
