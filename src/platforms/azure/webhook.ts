// `POST /api/azure-devops/webhooks`: authenticate, classify, answer at once (202 for work queued, 200 for what is
// ignored), and review in the background, one review per pull request at a time with only the latest request waiting.
// A plain Node handler, so it mounts beside Probot's route (`addHandler`) or on any http server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LRUCache } from 'lru-cache';
import type { Stage } from '../../core/review.js';
import { PullRequestQueue } from '../pr-queue.js';
import { isAuthenticDelivery } from './auth.js';
import { classifyDelivery } from './events.js';
import type { Logger } from './platform.js';
import { AzureDevOpsReviewer, type ReviewOutcome } from './reviewer.js';
import { validateSettings, type AzureDevOpsSettings } from './settings.js';
import { AzureSnapshotStore } from './snapshot.js';
import { NodeApiTransport, type AzureDevOpsApi, type TransportOptions } from './transport.js';

export const AZURE_DEVOPS_WEBHOOK_PATH = '/api/azure-devops/webhooks';

export interface AzureDevOpsWebhookDeps {
  /** Replaces the node-api transport (tests of the handler alone). */
  api?: AzureDevOpsApi;
  transport?: TransportOptions;
  snapshots?: AzureSnapshotStore;
  /** pino-compatible; Probot passes `app.log`. */
  log?: Logger;
  stages?: readonly Stage[];
  now?: () => number;
  maxBodyBytes?: number;
  /** Called after each background review (tests, metrics). */
  onReview?: (outcome: ReviewOutcome) => void;
}

export type AzureDevOpsWebhookHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** Resolves when no review is running or waiting (tests, graceful shutdown). */
  idle(): Promise<void>;
};

const consoleLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => console.error(msg, JSON.stringify(obj)),
  error: (obj, msg) => console.error(msg, JSON.stringify(obj)),
};

class BodyTooLarge extends Error {}

/** The body, or BodyTooLarge as soon as it exceeds the cap (the request is paused, not destroyed, so 413 gets out). */
function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > maxBytes) {
        req.off('data', onData);
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.once('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body?: object, headers: Record<string, string> = {}): void {
  const text = body ? JSON.stringify(body) : '';
  res.writeHead(status, {
    ...headers,
    ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function createAzureDevOpsWebhookHandler(
  settings: AzureDevOpsSettings,
  deps: AzureDevOpsWebhookDeps = {},
): AzureDevOpsWebhookHandler {
  const org = validateSettings(settings);
  const log = deps.log ?? consoleLog;
  const api = deps.api ?? new NodeApiTransport(org, settings.pat, deps.transport);
  const reviewer = new AzureDevOpsReviewer({
    api,
    org,
    snapshots: deps.snapshots ?? new AzureSnapshotStore(),
    log,
    stages: deps.stages,
    now: deps.now,
  });
  const queue = new PullRequestQueue();
  const running = new Set<Promise<unknown>>();
  // Azure DevOps retries a delivery it thinks failed; the same event id is reviewed once.
  const seen = new LRUCache<string, true>({ max: 10_000 });
  const maxBodyBytes = deps.maxBodyBytes ?? 2 * 1024 * 1024;

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== AZURE_DEVOPS_WEBHOOK_PATH) return false;
    if (req.method !== 'POST') {
      req.resume();
      reply(res, 405, { error: 'use POST' }, { allow: 'POST' });
      return true;
    }
    if (!isAuthenticDelivery(req.headers, settings)) {
      req.resume();
      log.warn({ remote: req.socket.remoteAddress }, 'azure devops: delivery refused: bad or missing credentials');
      reply(res, 401, undefined, { 'www-authenticate': 'Basic realm="envgate"' });
      return true;
    }
    let payload: unknown;
    try {
      payload = JSON.parse(await readBody(req, maxBodyBytes));
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        // Close the connection after answering rather than read the rest of an oversized body.
        res.once('finish', () => req.destroy());
        reply(res, 413, { error: `body larger than ${maxBodyBytes} bytes` }, { connection: 'close' });
      } else {
        reply(res, 400, { error: 'body is not JSON' });
      }
      return true;
    }
    const delivery = classifyDelivery(payload, org);
    if (delivery.action === 'refuse') {
      log.warn({ reason: delivery.reason }, 'azure devops: delivery refused');
      reply(res, delivery.status, { error: delivery.reason });
      return true;
    }
    if (delivery.action === 'ignore') {
      log.debug({ reason: delivery.reason }, 'azure devops: delivery ignored');
      reply(res, 200, { ignored: delivery.reason });
      return true;
    }
    if (delivery.eventId && seen.has(delivery.eventId)) {
      reply(res, 200, { ignored: 'duplicate delivery' });
      return true;
    }
    if (delivery.eventId) seen.set(delivery.eventId, true);
    const key = `${delivery.ref.repo}#${delivery.ref.number}`;
    log.info(
      { pr: delivery.ref.number, repo: delivery.ref.repo, event: delivery.eventType },
      'azure devops: review queued',
    );
    const job = queue
      .enqueue(key, async () => {
        const outcome = await reviewer.review(delivery.ref, delivery.headSha);
        if (outcome.outcome === 'skipped')
          log.info({ pr: delivery.ref.number, reason: outcome.reason }, 'azure devops: review skipped');
        deps.onReview?.(outcome);
      })
      .catch((error: unknown) =>
        log.error(
          { pr: delivery.ref.number, err: error instanceof Error ? error.message : String(error) },
          'azure devops: review crashed',
        ),
      );
    running.add(job);
    void job.finally(() => running.delete(job));
    reply(res, 202, { queued: key });
    return true;
  };

  return Object.assign(handler, {
    async idle() {
      while (running.size > 0 || queue.active > 0) {
        await Promise.allSettled([...running]);
        await queue.idle();
      }
    },
  });
}
