// `--live DIR`: every environment's live state from `DIR/<environment>/`; an environment without a directory
// there has no drift preview ("not configured"), which is not an error.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveBinding, LiveSources } from '../types.js';
import { SnapshotSource } from './snapshot.js';

export function snapshotDirSources(dir: string, display = dir): LiveSources {
  const bindings = new Map<string, LiveBinding>();
  return {
    forEnvironment(env) {
      const path = join(dir, env);
      if (!isDirectory(path)) return { notConfigured: `no snapshot at ${join(display, env)}` };
      let binding = bindings.get(env);
      if (!binding) {
        binding = { source: new SnapshotSource(path, join(display, env)), failGate: false, ignore: [] };
        bindings.set(env, binding);
      }
      return binding;
    },
  };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
