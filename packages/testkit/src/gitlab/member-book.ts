import type { Person, ProjectRecord } from './model';

/** One membership, of a project or of a group (a namespace path such as `acme` or `acme/platform`). */
export interface MemberRecord {
  user: Person;
  /** 5 Minimal access, 10 Guest, 15 Planner, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner. */
  accessLevel: number;
  /** The user's state: `active`, `blocked`, `deactivated`, ... */
  userState: string;
  /** The membership's state: `active`, or `awaiting` (pending approval). */
  membershipState: 'active' | 'awaiting';
  createdAt: string;
  expiresAt: string | null;
}

export interface MemberInput {
  user: { id: number; username: string; name?: string };
  accessLevel: number;
  userState?: string;
  membershipState?: 'active' | 'awaiting';
  expiresAt?: string | null;
}

/**
 * Who is a member of what: direct project members and group members, who are inherited by every project
 * under the group (`acme` → `acme/app`, `acme/platform/api`), as GitLab's `members/all` answers:
 * one row per user, the membership with the highest access level.
 */
export class MemberBook {
  private readonly byProject = new Map<number, MemberRecord[]>();
  private readonly byGroup = new Map<string, MemberRecord[]>();

  constructor(private readonly timestamp: () => string) {}

  addProjectMember(project: ProjectRecord, input: MemberInput): MemberRecord {
    return this.put(this.byProject, project.id, input);
  }

  addGroupMember(groupPath: string, input: MemberInput): MemberRecord {
    const path = groupPath.replace(/^\/+|\/+$/g, '');
    if (!path) throw new Error('GitLab double: a group member needs a group path');
    return this.put(this.byGroup, path.toLowerCase(), input);
  }

  /** Direct members of the project (`GET /projects/:id/members`). */
  direct(project: ProjectRecord): MemberRecord[] {
    return [...(this.byProject.get(project.id) ?? [])];
  }

  /** Direct and inherited members, the highest access level per user (`GET /projects/:id/members/all`). */
  all(project: ProjectRecord): MemberRecord[] {
    const best = new Map<number, MemberRecord>();
    for (const m of [...this.direct(project), ...this.inheritedBy(project)]) {
      const seen = best.get(m.user.id);
      if (!seen || m.accessLevel > seen.accessLevel) best.set(m.user.id, m);
    }
    return [...best.values()].sort((a, b) => a.user.id - b.user.id);
  }

  private inheritedBy(project: ProjectRecord): MemberRecord[] {
    const parts = project.path.toLowerCase().split('/').slice(0, -1);
    return parts.flatMap((_, i) => this.byGroup.get(parts.slice(0, i + 1).join('/')) ?? []);
  }

  private put<K>(book: Map<K, MemberRecord[]>, key: K, input: MemberInput): MemberRecord {
    const record: MemberRecord = {
      user: {
        id: input.user.id,
        username: input.user.username,
        name: input.user.name ?? input.user.username,
      },
      accessLevel: input.accessLevel,
      userState: input.userState ?? 'active',
      membershipState: input.membershipState ?? 'active',
      createdAt: this.timestamp(),
      expiresAt: input.expiresAt ?? null,
    };
    // One membership per user and source: adding again changes it, as `PUT .../members/:user_id` would.
    const rows = (book.get(key) ?? []).filter((m) => m.user.id !== record.user.id);
    book.set(key, [...rows, record]);
    return record;
  }
}
