/**
 * The org's clock. Salesforce's rules about time (whole-minute replication windows, 24 h of outbound
 * redelivery, 30/15-day replication limits) would make tests wait for real minutes or hours, so the emulator
 * keeps its own time: it follows the wall clock by default, and can be set, moved forward, frozen (`rate: 0`)
 * or run faster (`rate: 60` = one emulated minute per real second). Everything the org stamps or measures
 * (record dates, getUpdated/getDeleted windows, getServerTimestamp, outbound retry ages) reads this clock;
 * clients see it through getServerTimestamp, as they would see Salesforce's.
 */
export interface ClockOptions {
  /** Epoch millis the clock shows at start-up; default the wall clock. */
  start?: number;
  /** Emulated millis per real milli; default 1, 0 freezes the clock (it moves only by `advance`/`set`). */
  rate?: number;
}

export class EmulatorClock {
  private base: number;
  private realBase = Date.now();
  private rateValue: number;
  private readonly listeners: Array<() => void> = [];

  constructor(opts: ClockOptions = {}) {
    this.base = opts.start ?? this.realBase;
    this.rateValue = checkedRate(opts.rate ?? 1);
  }

  now(): number {
    return Math.floor(this.base + (Date.now() - this.realBase) * this.rateValue);
  }

  get rate(): number {
    return this.rateValue;
  }

  /** Moves the clock forward (never back: Salesforce's time does not run backwards). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance takes a non-negative number of millis');
    this.rebase(this.now() + ms, this.rateValue);
  }

  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('set takes epoch millis');
    this.rebase(ms, this.rateValue);
  }

  setRate(rate: number): void {
    this.rebase(this.now(), checkedRate(rate));
  }

  /** Real millis until the clock shows `emulatedDelayMs` more; Infinity while frozen. */
  realDelay(emulatedDelayMs: number): number {
    if (emulatedDelayMs <= 0) return 0;
    return this.rateValue === 0 ? Infinity : Math.ceil(emulatedDelayMs / this.rateValue);
  }

  /** Called after every set/advance/rate change (timers measured in emulated time re-plan). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private rebase(ms: number, rate: number): void {
    this.base = ms;
    this.realBase = Date.now();
    this.rateValue = rate;
    for (const l of this.listeners) l();
  }
}

function checkedRate(rate: number): number {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError('clock rate must be a non-negative number');
  return rate;
}
