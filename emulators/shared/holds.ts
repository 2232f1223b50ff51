// Shared by both emulators (each is otherwise self-contained): replies parked until a test releases them.
/** A reply parked by a `hold` fault: the call has been applied, its answer waits for release. */
export interface HeldReply {
  hold: string;
  method: string;
  path: string;
  /** ISO time the reply started waiting. */
  since: string;
}

interface Parked extends HeldReply {
  release(): void;
  answered: Promise<void>;
}

/**
 * Replies parked by `hold` faults. The call behind each one has been applied; its reply waits here until a test
 * releases the gate, so the test can act on the provider side in between.
 */
export class HeldReplies {
  private parked: Parked[] = [];
  private readonly releasing = new Set<Promise<void>>();

  /**
   * Resolves once `release` lets this reply go. `answered` settles when the reply has been written (or the client
   * went away), so `releaseAll` can wait for it.
   */
  wait(hold: string, method: string, path: string, answered: Promise<void>): Promise<void> {
    const since = new Date().toISOString();
    return new Promise((resolve) => this.parked.push({ hold, method, path, since, release: resolve, answered }));
  }

  /** Lets the replies of one gate go, or all of them; returns how many. */
  release(hold?: string): number {
    const going = this.parked.filter((p) => hold === undefined || p.hold === hold);
    this.parked = this.parked.filter((p) => !going.includes(p));
    for (const p of going) {
      this.releasing.add(p.answered);
      void p.answered.then(() => this.releasing.delete(p.answered));
      p.release();
    }
    return going.length;
  }

  list(): HeldReply[] {
    return this.parked.map(({ hold, method, path, since }) => ({ hold, method, path, since }));
  }

  /** Releases every reply and waits until they have been written: for close(). */
  async releaseAll(): Promise<void> {
    this.release();
    await Promise.all([...this.releasing]);
  }
}
