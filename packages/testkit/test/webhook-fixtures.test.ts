/* eslint-disable @typescript-eslint/no-explicit-any -- untyped JSON payloads */
import { readdirSync } from 'node:fs';
import { loadWebhookFixture, webhookFixturesDir } from '../src';

const NAMES = [
  'merge_request.open',
  'merge_request.update',
  'merge_request.merge',
  'merge_request.close',
  'merge_request.reopen',
  'push',
  'push.create-branch',
  'issue.open',
  'issue.close',
  'issue.reopen',
  'note',
];

it.each(NAMES)('%s: object_kind and action agree with the file name', (name) => {
  const payload = loadWebhookFixture<Record<string, any>>(name);
  const [kind, action] = name.split('.');
  expect(payload.object_kind).toBe(kind);
  if (kind === 'merge_request' || kind === 'issue') expect(payload.object_attributes.action).toBe(action);
});

it('ships exactly the documented set', () => {
  expect(readdirSync(webhookFixturesDir).sort()).toEqual(NAMES.map((n) => `${n}.json`).sort());
});

it('carries the fields handlers rely on', () => {
  expect(loadWebhookFixture<any>('merge_request.update').object_attributes.oldrev).toMatch(/^[0-9a-f]{40}$/);
  expect(loadWebhookFixture<any>('merge_request.update').changes).toBeDefined();
  expect(loadWebhookFixture<any>('merge_request.merge').object_attributes.state).toBe('merged');
  expect(loadWebhookFixture<any>('push.create-branch').before).toBe(
    '0000000000000000000000000000000000000000',
  );
  expect(loadWebhookFixture<any>('push').commits.length).toBeGreaterThan(0);
  expect(loadWebhookFixture<any>('note').object_attributes.noteable_type).toBe('Issue');
});

it('returns a fresh deep copy each time', () => {
  const a = loadWebhookFixture<any>('merge_request.open');
  a.object_attributes.title = 'changed';
  expect(loadWebhookFixture<any>('merge_request.open').object_attributes.title).toBe('MS-Viewport');
});

it('holds no personal e-mail addresses', () => {
  for (const name of NAMES) {
    const text = JSON.stringify(loadWebhookFixture(name));
    const emails = text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [];
    expect(emails.filter((e) => !/@example\.com(\.git)?$/.test(e) && !/^git@example\.com/.test(e))).toEqual(
      [],
    );
  }
});

it('rejects an unknown fixture with a clear error', () => {
  expect(() => loadWebhookFixture('merge_request.nope')).toThrow(/No webhook fixture "merge_request.nope"/);
});
