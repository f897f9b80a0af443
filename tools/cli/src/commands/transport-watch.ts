/**
 * The controller can go away under a running command (a dongle unplugged, the emulator or `tsble sim` stopped).
 * The host then drops its connections, but a scan, a connection attempt or `serve` would carry on as if
 * nothing happened: this watch turns the transport's close into an HciError('closed'), which main reports
 * with exit 3 (ARCHITECTURE.md: transport or controller failure).
 */
import { HciError } from '@tsble/hci-transport';
import type { Host } from '@tsble/host';

export class TransportWatch {
  /** Rejects once the transport closed while the command still needed it. */
  readonly lost: Promise<never>;
  private error: HciError | undefined;
  private closing = false;

  constructor(host: Host) {
    this.lost = new Promise<never>((_, reject) => {
      host.hci.once('close', () => {
        if (this.closing) return;
        this.error = new HciError(
          'closed',
          `the controller went away: ${host.hci.transport.description} closed (unplugged, or the emulator stopped)`,
        );
        reject(this.error);
      });
    });
    this.lost.catch(() => undefined);
  }

  /** Call before closing the host on purpose, so that close is not a loss. */
  closingOnPurpose(): void {
    this.closing = true;
  }

  /** Throws the loss, if the transport was lost (for work that ended quietly when it happened). */
  check(): void {
    if (this.error) throw this.error;
  }
}
