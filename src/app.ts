// The server's Probot application: GitHub webhooks at Probot's path (/api/github/webhooks), and any extra Node
// handlers mounted beside it through Probot's `addHandler` — the Azure DevOps service hook route is one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApplicationFunction } from 'probot';
import { registerGitHub, type GitHubAppOptions, type GitHubReviewer } from './platforms/github/app.js';

/** A Node request handler: returns true when it answered the request, false to let the next handler try. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface EnvgateAppOptions extends GitHubAppOptions {
  /** Mounted before Probot's 404, e.g. `createAzureDevOpsHandler(...)` for POST /api/azure-devops/webhooks. */
  handlers?: readonly NodeHandler[];
  /** Called with the GitHub reviewer once the app is loaded (tests, graceful shutdown). */
  onReady?: (github: GitHubReviewer) => void;
}

export function envgateApp(options: EnvgateAppOptions): ApplicationFunction {
  return (app, { addHandler }) => {
    for (const handler of options.handlers ?? []) addHandler(handler);
    const github = registerGitHub(app, options);
    options.onReady?.(github);
  };
}
