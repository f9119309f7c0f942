import net from 'node:net';

/** A raw TCP connection to a service under test, watched from the client's side. */
export interface WatchedConnection {
  socket: net.Socket;
  /** When the connection was established (ms since the epoch). */
  openedAt: number;
  /** When the server closed or reset it (ms since the epoch), once it has. */
  closedAt: number | undefined;
  /** Resolves with the time of the close. */
  closed: Promise<number>;
  /** What the server sent so far (latin1). */
  received(): string;
}

/**
 * Connects to 127.0.0.1:`port`, writes `send` (if any) and then sends nothing
 * more: what a silent, stalled or refused client looks like to a service.
 */
export function openWatchedConnection(port: number, send?: string | Buffer): Promise<WatchedConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let markClosed: (at: number) => void = () => undefined;
    const watched: WatchedConnection = {
      socket,
      openedAt: 0,
      closedAt: undefined,
      closed: new Promise<number>((r) => (markClosed = r)),
      received: () => text,
    };
    socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
    socket.on('error', (err) => {
      if (watched.openedAt === 0) reject(err);
    });
    socket.once('close', () => {
      watched.closedAt = Date.now();
      markClosed(watched.closedAt);
    });
    socket.once('connect', () => {
      watched.openedAt = Date.now();
      if (send !== undefined) socket.write(send);
      resolve(watched);
    });
  });
}
