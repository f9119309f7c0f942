import { findOrderKey } from '../src';

describe('findOrderKey: what an event concerns', () => {
  it.each([
    [{ object_kind: 'merge_request', project: { id: 4 }, object_attributes: { iid: 12 } }, 'project:4:mr:12'],
    [{ object_kind: 'issue', project: { id: 4 }, object_attributes: { iid: 3 } }, 'project:4:issue:3'],
    [{ object_kind: 'work_item', project: { id: 4 }, object_attributes: { iid: 3 } }, 'project:4:issue:3'],
    [{ object_kind: 'note', project_id: 4, merge_request: { iid: 12 } }, 'project:4:mr:12'],
    [{ object_kind: 'note', project_id: 4, issue: { iid: 3 } }, 'project:4:issue:3'],
    [{ object_kind: 'push', project_id: 4, ref: 'refs/heads/main' }, 'project:4:ref:refs/heads/main'],
    [{ object_kind: 'tag_push', project_id: 4, ref: 'refs/tags/v1' }, 'project:4:ref:refs/tags/v1'],
    // falls back to the project
    [{ object_kind: 'merge_request', project: { id: 4 }, object_attributes: {} }, 'project:4'],
    [{ object_kind: 'push', project_id: 4 }, 'project:4'],
    [{ object_kind: 'pipeline', project: { id: 4 } }, 'project:4'],
    [{ object_kind: 'merge_request' }, 'project:none'],
  ])('%j -> %s', (payload, key) => {
    expect(findOrderKey(payload)).toBe(key);
  });

  it('keeps two merge requests of one project apart, and one merge request together', () => {
    const mr = (iid: number, action: string) => ({
      object_kind: 'merge_request',
      project: { id: 9 },
      object_attributes: { iid, action },
    });
    expect(findOrderKey(mr(1, 'open'))).toBe(findOrderKey(mr(1, 'merge')));
    expect(findOrderKey(mr(1, 'open'))).not.toBe(findOrderKey(mr(2, 'open')));
  });
});
