// The webhook server's live sources: the operator settings named by ENVGATE_SETTINGS, read once per path and
// shared by every review (so sources keep their discovery caches between events). Unset = no drift preview.
import { resolve } from 'node:path';
import { loadSettings } from './settings.js';
import { settingsSources } from './sources/from-settings.js';
import type { LiveSources } from './types.js';

let cached: { path: string; sources: LiveSources } | undefined;

/** Throws SettingsError when the file is unreadable or invalid: the caller fails closed and says why. */
export function serverLiveSources(env: Record<string, string | undefined> = process.env): LiveSources | undefined {
  const path = env.ENVGATE_SETTINGS;
  if (!path) return undefined;
  const absolute = resolve(path);
  if (cached?.path !== absolute) cached = { path: absolute, sources: settingsSources(loadSettings(absolute), env) };
  return cached.sources;
}
