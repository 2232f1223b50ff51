export default async function globalTeardown() {
  for (const service of (globalThis.__catalogSyncServices ?? []).reverse()) await service.stop();
}
