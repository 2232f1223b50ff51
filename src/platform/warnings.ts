/**
 * kafkajs 2.2.4 (maintenance mode) computes a negative timer delay in its request queue, and Node >= 24 warns
 * about each one. Node clamps the delay to 1 ms either way, so the warning is noise: drop that one kind only.
 */
export function silenceKafkajsTimerWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (warning.name !== 'TimeoutNegativeWarning') console.warn(warning);
  });
}
