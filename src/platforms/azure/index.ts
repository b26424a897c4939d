// Azure DevOps: service hooks in, PR statuses and one summary thread out. See README "Azure DevOps".
export { AZURE_DEVOPS_WEBHOOK_PATH, createAzureDevOpsWebhookHandler } from './webhook.js';
export type { AzureDevOpsWebhookDeps, AzureDevOpsWebhookHandler } from './webhook.js';
export { azureDevOpsSettingsFromEnv, SettingsError } from './settings.js';
export type { AzureDevOpsSettings } from './settings.js';
export { AzureDevOpsPlatform } from './platform.js';
export type { Logger } from './platform.js';
