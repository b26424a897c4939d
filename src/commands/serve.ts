// `envgate serve`: the webhook server. GitHub through Probot (its environment variables: APP_ID, PRIVATE_KEY or
// PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, LOG_LEVEL, GHE_HOST …); without app credentials Probot starts its setup
// page, which registers the app from app.yml (the manifest flow) and writes them to .env.
import { run } from 'probot';
import { envgateApp, type NodeHandler } from '../app.js';
import {
  azureDevOpsSettingsFromEnv,
  createAzureDevOpsWebhookHandler,
  SettingsError,
} from '../platforms/azure/index.js';
import type { Logger } from '../platforms/azure/index.js';
import { EXIT, InputError, parseCommandArgs, type CliIO, type Command } from './command.js';
import { serverLiveSources } from '../drift/server.js';
import { SettingsError as DriftSettingsError } from '../drift/settings.js';

/** Extra routes beside GitHub's: the Azure DevOps service hook route when AZURE_DEVOPS_* is configured. */
export function extraHandlers(env: CliIO['env'], log?: Logger): NodeHandler[] {
  try {
    const azure = azureDevOpsSettingsFromEnv(env);
    return azure ? [createAzureDevOpsWebhookHandler(azure, { log })] : [];
  } catch (error) {
    if (error instanceof SettingsError) throw new InputError(error.message);
    throw error;
  }
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the webhook server (GitHub App via Probot, Azure DevOps service hooks)',
  usage: `envgate serve

Configured from the environment (and a .env file in the working directory); .env.example lists every variable.
Without APP_ID and a private key it starts Probot's setup page to register the GitHub App from app.yml.`,
  async run(args: string[], io: CliIO): Promise<number> {
    parseCommandArgs(args, {});
    try {
      serverLiveSources(io.env); // refuse to start on invalid operator settings rather than fail every review
    } catch (error) {
      if (error instanceof DriftSettingsError) throw new InputError(`ENVGATE_SETTINGS: ${error.message}`);
      throw error;
    }
    const server = await run((app, appOptions) => {
      // Probot falls back to the secret "development" when none is set; a real app must verify its deliveries.
      if (!io.env.WEBHOOK_SECRET) {
        throw new InputError('WEBHOOK_SECRET is not set: it must match the webhook secret in the GitHub App settings');
      }
      return envgateApp({ appId: Number(io.env.APP_ID), handlers: extraHandlers(io.env, app.log) })(app, appOptions);
    });
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await server.stop();
    return EXIT.passed;
  },
};
