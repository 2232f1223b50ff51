// BENCH_CPU_PROF=1: each app process writes a V8 CPU profile when it stops; this sums self time per function and
// per package (node_modules/<name>, our dist/src, node internals) to say where a process spent its CPU.
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const IDLE = new Set(['(idle)', '(program)', '(garbage collector)']);

function owner(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/dist\/(src\/[^/]+(?:\/[^/]+)?)/.exec(url);
  if (ours) return ours[1]!;
  return url.startsWith('node:') ? 'node' : url === '' ? '(native)' : path.basename(url);
}

/** Top functions and packages by self time, as Markdown list lines. */
export function summarize(file: string, top = 10): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let busy = 0;
  let gc = 0;
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(garbage collector)') gc += us;
    if (IDLE.has(frame.functionName)) continue;
    busy += us;
    const where = `${frame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || '(anonymous)'} ${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    packages.set(owner(frame.url), (packages.get(owner(frame.url)) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / busy) * 100).toFixed(1)}%`;
  const list = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${pct(us)} ${k}`);
  return [
    `- ${path.basename(file)}: ${(busy / 1e6).toFixed(1)} s of JavaScript and native work, GC ${(gc / 1e6).toFixed(1)} s`,
    `  - by package: ${list(packages).join('; ')}`,
    ...list(functions).map((line) => `  - ${line}`),
  ];
}
