import { openWatchedConnection } from '@devops/testkit';
import { SECRET, removeDir, startReceiver, type TestReceiver } from './support/start-receiver';

const head = (token: string, length: number) =>
  `POST /webhooks/gitlab HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Gitlab-Event: Merge Request Hook\r\n` +
  `X-Gitlab-Token: ${token}\r\nContent-Length: ${length}\r\n\r\n{"object_kind":"merge_request"`;

/** SPEC, Common rules: a request refused before its body is read closes its connection. */
describe('refused webhook deliveries close their connection without the body being read', () => {
  let r: TestReceiver;
  beforeEach(async () => {
    r = await startReceiver({ handlers: { merge_request: { handle: async () => undefined } } });
  });
  afterEach(async () => {
    await r.close();
    await removeDir(r.spoolDir);
  });

  it.each([
    ['a wrong token (401)', 'wrong-token', 20 * 1024 * 1024, 401],
    ['more than 25 MB announced (413)', SECRET, 26 * 1024 * 1024, 413],
  ])(
    '%s: answered with Connection: close, then closed while the client still owes its body',
    async (_w, token, length, status) => {
      const port = Number(new URL(r.url).port);
      const c = await openWatchedConnection(port, head(token, length));
      await c.closed;
      // Well before the 30 s idle timeout that closes any stalled connection.
      expect(c.closedAt! - c.openedAt).toBeLessThan(10_000);
      expect(c.received()).toMatch(new RegExp(`^HTTP/1.1 ${status} [^]*\\r\\nConnection: close\\r\\n`, 'i'));
      expect(await r.spooled()).toEqual([]);
    },
  );
});
