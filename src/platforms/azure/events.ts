// Service hook deliveries, classified without I/O: which pull request to review, or why the delivery is ignored or
// refused. Only identifiers are taken from a payload (project, repository, pull request number); every fact the
// review uses is read again from the API, because deliveries are redelivered, reordered and carry stale state.
import type { PrRef } from '../types.js';
import { parseCommands } from '../commands.js';
import { isSameOrganization, type Organization } from './settings.js';

/** The parts of a service hook envelope envgate reads (events.md; `resourceVersion` 1.0, comments 2.0). */
export interface ServiceHookDelivery {
  id?: string;
  eventType?: string;
  notificationId?: number;
  message?: { text?: string };
  resource?: Record<string, unknown>;
  resourceContainers?: Record<string, { id?: string; baseUrl?: string } | undefined>;
  createdDate?: string;
}

export const PULL_REQUEST_EVENTS = {
  created: 'git.pullrequest.created',
  updated: 'git.pullrequest.updated',
  commented: 'ms.vss-code.git-pullrequest-comment-event',
} as const;

export type Classified =
  | { action: 'review'; ref: PrRef; eventId?: string; eventType: string; headSha?: string }
  | { action: 'ignore'; reason: string }
  | { action: 'refuse'; status: 400 | 403; reason: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA = /^[0-9a-f]{40}$/i;

/**
 * The service hook "Test" button sends the documentation's Fabrikam sample: its repository, project and collection
 * ids are fixed (older samples) or all zeros (current ones). Real resources never have those ids.
 */
const SAMPLE_IDS = new Set([
  '4bc14d40-c903-45e2-872e-0462c7748079', // Fabrikam repository
  '6ce954b1-ce1f-45d1-b94d-e6bf2464ba2c', // Fabrikam project
  'c12d0eb8-e382-443b-9f9c-c52cba5014c2', // sample collection
]);

function isSampleId(id: unknown): boolean {
  return typeof id === 'string' && (SAMPLE_IDS.has(id.toLowerCase()) || /^0{8}-0{4}-/.test(id));
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function pullRequestOf(delivery: ServiceHookDelivery): Record<string, unknown> | undefined {
  const resource = record(delivery.resource);
  return delivery.eventType === PULL_REQUEST_EVENTS.commented ? record(resource?.pullRequest) : resource;
}

export function isTestDelivery(delivery: ServiceHookDelivery): boolean {
  const pr = pullRequestOf(delivery);
  const repository = record(pr?.repository);
  const containers = delivery.resourceContainers ?? {};
  return (
    isSampleId(repository?.id) ||
    isSampleId(record(repository?.project)?.id) ||
    isSampleId(containers.collection?.id) ||
    isSampleId(containers.account?.id)
  );
}

/** The collection URL the delivery says it comes from (account on older Services payloads). */
export function deliveryOrganizationUrl(delivery: ServiceHookDelivery): string | undefined {
  const containers = delivery.resourceContainers ?? {};
  return containers.collection?.baseUrl ?? containers.account?.baseUrl;
}

export function classifyDelivery(payload: unknown, org: Organization): Classified {
  const delivery = record(payload) as ServiceHookDelivery | undefined;
  if (!delivery || typeof delivery.eventType !== 'string' || !record(delivery.resource)) {
    return { action: 'refuse', status: 400, reason: 'not a service hook delivery (no eventType or resource)' };
  }
  if (isTestDelivery(delivery)) return { action: 'ignore', reason: 'test delivery (sample payload)' };
  if (!isSameOrganization(org, deliveryOrganizationUrl(delivery))) {
    return { action: 'refuse', status: 403, reason: 'delivery is not from the configured organization' };
  }
  const eventType = delivery.eventType;
  if (!Object.values<string>(PULL_REQUEST_EVENTS).includes(eventType)) {
    return { action: 'ignore', reason: `event ${eventType} is not used` };
  }
  const pr = pullRequestOf(delivery);
  const repository = record(pr?.repository);
  const projectId = record(repository?.project)?.id;
  const repositoryId = repository?.id;
  const number = pr?.pullRequestId;
  if (
    typeof projectId !== 'string' ||
    !GUID.test(projectId) ||
    typeof repositoryId !== 'string' ||
    !GUID.test(repositoryId) ||
    typeof number !== 'number' ||
    !Number.isSafeInteger(number) ||
    number <= 0
  ) {
    return { action: 'refuse', status: 400, reason: 'payload lacks a project id, repository id or pull request id' };
  }
  if (pr?.status === 'completed' || pr?.status === 'abandoned') {
    return { action: 'ignore', reason: `pull request is ${pr.status}` };
  }
  if (eventType === PULL_REQUEST_EVENTS.commented) {
    const comment = record(record(delivery.resource)?.comment);
    if (!comment || comment.isDeleted === true) return { action: 'ignore', reason: 'comment deleted' };
    if (typeof comment.content !== 'string' || parseCommands(comment.content).length === 0) {
      return { action: 'ignore', reason: 'comment has no envgate command' };
    }
  }
  const head = record(pr?.lastMergeSourceCommit)?.commitId;
  return {
    action: 'review',
    ref: { repo: `${projectId.toLowerCase()}/${repositoryId.toLowerCase()}`, number },
    eventId: typeof delivery.id === 'string' ? delivery.id : undefined,
    eventType,
    headSha: typeof head === 'string' && SHA.test(head) ? head.toLowerCase() : undefined,
  };
}

/** `project/repositoryId` back into its parts. */
export function splitRepo(ref: PrRef): { project: string; repositoryId: string } {
  const [project, repositoryId] = ref.repo.split('/');
  if (!project || !repositoryId) throw new Error(`not an Azure DevOps repository reference: ${ref.repo}`);
  return { project, repositoryId };
}
