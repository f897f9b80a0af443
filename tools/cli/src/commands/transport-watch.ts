/**
 * The controller can go away under a running command (a dongle unplugged, the emulator or `tsble sim` stopped).
 * The host then drops its connections, but a scan, a connection attempt or `serve` would carry on as if
 * nothing happened: this watch turns the transport's close into an HciError('closed'), which main reports
 * with exit 3 (ARCHITECTURE.md: transport or controller failure).
 */
import { HciError } from '@tsble/hci-transport';
import type { Host } from '@tsble/host';

/**
 * Every failure the host reports while running (Host `error`, also kept as `controllerFailure`: a command with no
 * answer, no command credit, a hardware error not recovered from, a crash) ends the command with exit 3. The
 * transport closing is the `close` below, said in its own words (code `closed`).
 */
const reportedByClose = 'transport-closed';

export class TransportWatch {
  /** Rejects once the transport closed, or the controller failed, while the command still needed it. */
  readonly lost: Promise<never>;
  private error: HciError | undefined;
  private closing = false;

  constructor(private readonly host: Host) {
    this.lost = new Promise<never>((_, reject) => {
      const fail = (error: HciError) => {
        if (this.closing || this.error) return;
        this.error = error;
        reject(error);
      };
      host.hci.once('close', () =>
        fail(
          new HciError(
            'closed',
            `the controller went away: ${host.hci.transport.description} closed (unplugged, or the emulator stopped)`,
          ),
        ),
      );
      host.on('error', (error) => {
        if (error instanceof HciError && error.code !== reportedByClose) fail(error);
      });
    });
    this.lost.catch(() => undefined);
  }

  /** Call before closing the host on purpose, so that close is not a loss. */
  closingOnPurpose(): void {
    this.closing = true;
  }

  /**
   * Throws the loss, if the transport was lost or the controller failed (for work that ended quietly when it
   * happened, e.g. a disconnection the controller reported as 0x1F after it died).
   */
  check(): void {
    const failure = this.error ?? this.host.controllerFailure;
    if (failure && (failure === this.error || failure.code !== reportedByClose)) throw failure;
  }
}
