// Who is in an approver group. `from: ["@acme/seniors"]` names, on Azure DevOps, a group or team called `seniors`:
// the project's (`[Project]\seniors`, security group or team: teams are groups too) or the collection's
// (`[acme]\seniors`). The part before the slash is the GitHub organisation and is not used here: every lookup stays
// inside the configured organisation. `[Scope]\Name` entries are looked up as written.
//
// Through the identities API (node-api has no Graph client): the group by its account name, then the signer with
// `queryMembership=ExpandedUp`, whose `memberOf` lists every group they belong to, directly or through other groups.
// Both are cached for the event (one resolver per review), so each group and each signer is asked once.
import type { Identity } from '../../core/types.js';
import type { Organization } from './settings.js';
import type { AzureDevOpsApi, IdentityRecord } from './transport.js';

export class MembershipError extends Error {
  override name = 'MembershipError';
}

/** The `[Scope]\Name` account names an approver entry may mean, most specific first. */
export function groupCandidates(entry: string, projectName: string, collectionName: string): string[] {
  if (/^\[[^\]]+\]\\.+$/.test(entry)) return [entry];
  const name = entry.replace(/^@/, '').split('/').at(-1)?.trim() ?? '';
  if (!name) return [];
  const candidates = [`[${projectName}]\\${name}`, `[${collectionName}]\\${name}`];
  return [...new Set(candidates)];
}

function accountName(identity: IdentityRecord): string | undefined {
  const account = identity.properties?.Account?.$value;
  return typeof account === 'string' ? account : undefined;
}

function sameName(a: string | undefined, b: string): boolean {
  return a !== undefined && a.toLowerCase() === b.toLowerCase();
}

export class MembershipResolver {
  private readonly groups = new Map<string, Promise<string[]>>();
  private readonly memberships = new Map<string, Promise<Set<string>>>();

  constructor(
    private readonly api: AzureDevOpsApi,
    private readonly org: Organization,
    private readonly projectName: string,
  ) {}

  async isMember(who: Identity, entry: string): Promise<boolean> {
    const [descriptors, memberOf] = await Promise.all([this.groupDescriptors(entry), this.memberOf(who.id)]);
    return descriptors.some((descriptor) => memberOf.has(descriptor.toLowerCase()));
  }

  private groupDescriptors(entry: string): Promise<string[]> {
    let pending = this.groups.get(entry);
    if (!pending) {
      pending = this.lookupGroup(entry);
      this.groups.set(entry, pending);
    }
    return pending;
  }

  private async lookupGroup(entry: string): Promise<string[]> {
    const candidates = groupCandidates(entry, this.projectName, this.org.collectionName);
    const found: string[] = [];
    for (const candidate of candidates) {
      const identities = await this.api.readIdentities({
        searchFilter: 'General',
        filterValue: candidate,
        queryMembership: 'None',
      });
      // The General search also matches display names loosely: keep only the group with exactly that account name.
      for (const identity of identities) {
        const name = accountName(identity) ?? identity.providerDisplayName;
        if (identity.descriptor && (sameName(identity.providerDisplayName, candidate) || sameName(name, candidate))) {
          found.push(identity.descriptor);
        }
      }
    }
    if (found.length === 0) {
      throw new MembershipError(
        `no group or team matches ${entry} (looked for ${candidates.join(' and ')}) in ${this.org.url}`,
      );
    }
    return found;
  }

  private memberOf(identityId: string): Promise<Set<string>> {
    let pending = this.memberships.get(identityId);
    if (!pending) {
      pending = this.api
        .readIdentities({ identityIds: identityId, queryMembership: 'ExpandedUp' })
        .then((identities) => {
          const identity = identities.find((i) => i.id.toLowerCase() === identityId.toLowerCase());
          if (!identity || identity.isActive === false) return new Set<string>();
          return new Set((identity.memberOf ?? []).map((d) => d.toLowerCase()));
        });
      this.memberships.set(identityId, pending);
    }
    return pending;
  }
}
