// `npm run reset`: wipes what `npm start` keeps between runs (.data/: the PostgreSQL cluster, the Kafka log and the
// emulators' state), so the next `npm start` begins empty. Refuses while `npm start` is still running.
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './lib/services.mjs';

const dataDir = path.join(projectRoot, '.data');
const pidFile = path.join(dataDir, 'postgres', 'data', 'postmaster.pid');

function running(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

if (fs.existsSync(pidFile) && running(Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]))) {
  console.error('[reset] npm start is still running (its PostgreSQL is up): stop it with Ctrl-C first');
  process.exit(1);
}
fs.rmSync(dataDir, { recursive: true, force: true });
console.log(`[reset] removed ${path.relative(process.cwd(), dataDir) || '.data'}/: the next npm start begins empty`);
