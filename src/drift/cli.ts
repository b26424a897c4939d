// Choosing the live sources for a local run: `--live DIR` (snapshot), else the operator settings named by
// ENVGATE_SETTINGS, else none (no drift preview).
import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { InputError, type CliIO } from '../commands/command.js';
import { loadSettings, SettingsError } from './settings.js';
import { settingsSources } from './sources/from-settings.js';
import { snapshotDirSources } from './sources/snapshot-dir.js';
import type { LiveSources } from './types.js';

export function liveSources(liveDir: string | undefined, io: CliIO): LiveSources | undefined {
  if (liveDir !== undefined) {
    const dir = resolve(io.cwd, liveDir);
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) throw new InputError(`--live ${liveDir}: not a directory`);
    return snapshotDirSources(dir, relative(io.cwd, dir) || '.');
  }
  const settingsPath = io.env.ENVGATE_SETTINGS;
  if (!settingsPath) return undefined;
  try {
    return settingsSources(loadSettings(resolve(io.cwd, settingsPath)), io.env);
  } catch (error) {
    if (error instanceof SettingsError) throw new InputError(`ENVGATE_SETTINGS: ${error.message}`);
    throw error;
  }
}
