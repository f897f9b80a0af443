/**
 * One link's inputs to its PairingSession, strictly in order: SMP PDUs, HCI encryption events, the user's
 * answers and the SMP timer all go through `enqueue`, and each input's actions are carried out (in order)
 * before the next input is taken in. The session's next deadline (the 30 s SMP timer, Core 6.0 Vol 3 Part H
 * 3.4) is one timer, re-armed after every input. After an SMP timeout nothing more is taken in on the link.
 */
import type { Logger } from '@tsble/base';
import type { PairingAction, PairingSession } from '@tsble/smp-core';

const now = () => performance.now();

/**
 * How long a closing link waits for actions in hand (a bond being saved, PDUs failing to send) before it
 * reports the disconnection anyway: a guard against a stuck controller command, not a timing the stack needs.
 */
const CLOSE_DRAIN_LIMIT_MS = 5000;

export class SessionQueue {
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private deadlineTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private lastSettling: Promise<void> | undefined;
  /** True once SMP timed out on the link: no further input is taken in (Vol 3 Part H 3.4). */
  dead = false;

  constructor(
    private readonly session: PairingSession,
    private readonly carryOut: (action: PairingAction) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /**
   * While an input marked `settles` (one that changes the link's security) is queued or being applied, when it
   * will have been; undefined otherwise.
   */
  get settling(): Promise<void> | undefined {
    return this.lastSettling;
  }

  /** Runs `input` after everything before it, then carries out the actions it returns, in order. */
  enqueue(input: () => Promise<PairingAction[]>, settles = false): Promise<void> {
    this.pending += 1;
    this.queue = this.queue
      .then(async () => {
        if (this.dead) return;
        for (const action of await input()) await this.carryOut(action);
        this.armDeadline();
      })
      .catch((error) => this.logger.error({ err: error }, 'SMP input failed'))
      .finally(() => {
        this.pending -= 1;
      });
    const applied = this.queue;
    if (settles) {
      this.lastSettling = applied;
      void applied.then(() => {
        if (this.lastSettling === applied) this.lastSettling = undefined;
      });
    }
    return applied;
  }

  /** SMP timed out: the timer stops and nothing more is taken in. */
  kill(): void {
    this.dead = true;
    this.stopDeadline();
  }

  /**
   * The link is gone: the timer stops; resolves once every input queued so far has been taken in and its
   * actions carried out, or after `limitMs`.
   */
  async stop(limitMs = CLOSE_DRAIN_LIMIT_MS): Promise<void> {
    this.stopped = true;
    this.stopDeadline();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
      timer.unref?.();
    });
    await Promise.race([this.drained(), limit]).finally(() => clearTimeout(timer));
  }

  private async drained(): Promise<void> {
    while (this.pending > 0) await this.queue;
  }

  private armDeadline(): void {
    this.stopDeadline();
    const deadline = this.session.deadline;
    if (deadline === undefined || this.stopped) return;
    // An interval cleared on its first run: the one timer the conformance clock and tests advance.
    this.deadlineTimer = setInterval(
      () => {
        this.stopDeadline();
        this.enqueue(() => this.session.tick(now()));
      },
      Math.max(0, deadline - now()),
    );
    this.deadlineTimer.unref?.();
  }

  private stopDeadline(): void {
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }
}
