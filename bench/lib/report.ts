import fs from 'node:fs';
import path from 'node:path';
import { summarize } from './cpu-profile.js';

/** The summaries of every CPU profile written under `dir` (one per app process that stopped cleanly). */
export function cpuProfileNotes(dir: string): string[] {
  if (!fs.existsSync(dir)) return ['- (no profiles written)'];
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('app-') && f.endsWith('.cpuprofile'))
    .sort()
    .flatMap((f) => summarize(path.join(dir, f)));
}
