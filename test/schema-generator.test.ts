// The committed schemas are what the generator writes from the pinned packages: regenerate a sample of kinds
// (a built-in with the whole PodSpec, a Flux CRD with free-form values, a Prometheus CRD) and compare bytes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'envgate-schemas-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const SAMPLE = {
  'apps/v1/Deployment': 'apps/v1/Deployment.json',
  'helm.toolkit.fluxcd.io/v2/HelmRelease': 'helm.toolkit.fluxcd.io/v2/HelmRelease.json',
  'monitoring.coreos.com/v1/ServiceMonitor': 'monitoring.coreos.com/v1/ServiceMonitor.json',
};

describe('npm run schemas', () => {
  it('reproduces the committed schemas from the pinned packages', () => {
    const result = spawnSync(
      process.execPath,
      ['bin/run-ts.js', 'scripts/generate-schemas.ts', '--out', out, '--only', Object.keys(SAMPLE).join(',')],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(result.stderr).toMatch(/schemas: 3 kinds/);
    expect(result.status).toBe(0);
    for (const file of Object.values(SAMPLE)) {
      expect(readFileSync(join(out, file), 'utf8'), file).toBe(
        readFileSync(join(ROOT, 'schemas', 'kubernetes', file), 'utf8'),
      );
    }
    const index = JSON.parse(readFileSync(join(ROOT, 'schemas', 'kubernetes', 'index.json'), 'utf8'));
    expect(index.kubernetesVersion).toBe('1.36');
    expect(index.sources['kubernetes-models']).toBe('5.1.0');
  });
});
