// Shared by the drift tests: the rendered example environments (kubectl kustomize output, committed) and the
// live snapshots of examples/live, as the render stage and the snapshot source hand them over.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { KubeObject, RenderedRoot, RenderSide } from '../../src/render/types.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/drift/', import.meta.url));
export const LIVE = fileURLToPath(new URL('../../examples/live/', import.meta.url));

export function yamlObjects(path: string): KubeObject[] {
  return parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as KubeObject);
}

export function rendered(env: 'staging' | 'prod'): KubeObject[][] {
  return [yamlObjects(`${FIXTURES}rendered/${env}-base.yaml`), yamlObjects(`${FIXTURES}rendered/${env}-head.yaml`)];
}

type Side = KubeObject[] | 'absent' | Error;

function side(s: Side): RenderSide {
  if (s === 'absent') return { status: 'absent' };
  if (s instanceof Error) return { status: 'error', error: s.message, reason: 'invalid', files: [] };
  return { status: 'ok', objects: s, files: [] };
}

export function renderedRoot(env: string, base: Side, head: Side): RenderedRoot {
  return { path: `environments/${env}`, type: 'kustomize', env, base: side(base), head: side(head) };
}

export function find(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''}`);
  return structuredClone(found);
}
