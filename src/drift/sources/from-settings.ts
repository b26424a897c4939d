// Live sources as the operator's settings describe them, one per environment, created on first use.
import type { Settings } from '../settings.js';
import type { LiveBinding, LiveSource, LiveSources } from '../types.js';
import { ArgoCdSource } from './argocd.js';
import { KubernetesSource } from './kubernetes.js';
import { SnapshotSource } from './snapshot.js';

export function settingsSources(settings: Settings, env: Record<string, string | undefined>): LiveSources {
  const bindings = new Map<string, LiveBinding>();
  return {
    forEnvironment(name) {
      const s = settings.drift.get(name);
      if (!s) return { notConfigured: `no drift source for ${name} in ${settings.path}` };
      let binding = bindings.get(name);
      if (!binding) {
        let source: LiveSource;
        if (s.source === 'snapshot') source = new SnapshotSource(s.dir);
        else if (s.source === 'kubernetes') source = new KubernetesSource(s);
        else source = new ArgoCdSource({ ...s, token: env[s.tokenEnv] || undefined });
        binding = { source, failGate: s.failGate, ignore: s.ignore };
        bindings.set(name, binding);
      }
      return binding;
    },
  };
}
