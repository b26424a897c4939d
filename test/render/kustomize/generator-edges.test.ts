// Generator input shapes at the edges, against real Kustomize (kubectl kustomize v5.5), byte for byte: env files with
// a BOM, comments, indented and `export`-prefixed lines, CRLF; literal quoting; keys Kustomize does not validate
// (`a b`, `..dots`, `SPACED `); files renamed with key=path; Secret type and per-generator options over
// generatorOptions; behavior merge/replace over a prefixed, namespaced base. Binary files are not here: the kubectl
// harness materialises snapshot text, so non-UTF-8 bytes would not reach kubectl intact.
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { builtinEngine } from '../../../src/render/kustomize/index.js';
import { printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';

const files: Record<string, string> = {
  'a/kustomization.yaml': `configMapGenerator:
- name: env-bom
  envs: [bom.env]
- name: lits
  literals:
  - 'q="quoted value"'
  - "s='single'"
  - "e="
  - "a b=space in key"
  - "..dots=2"
  - "sp= lead and trail "
  - "eq=a=b=c"
  - "mixed=\\"half"
- name: multi
  literals: [x=1]
  envs: [plain.env]
  files: [renamed.txt=data.txt, data2.json]
- name: crlf
  envs: [crlf.env]
  files: [crlf.txt]
secretGenerator:
- name: tls
  type: kubernetes.io/tls
  files: [tls.crt, tls.key]
- name: opts
  literals: [pw=hunter2]
  options:
    disableNameSuffixHash: false
    immutable: true
    labels: {tier: db}
    annotations: {note: x}
generatorOptions:
  labels: {team: a}
  annotations: {owner: b}
`,
  'a/bom.env': '\ufeffFIRST=1\n# comment\n\n  SPACED = v v  \nexport X=2\nQ="quoted"\n',
  'a/plain.env': 'A=1\nB=two words\n',
  'a/data.txt': 'line1\nline2\n',
  'a/data2.json': '{"k": [1,2]}',
  'a/crlf.env': 'K1=v1\r\nK2=v2\r\n',
  'a/crlf.txt': 'x\r\ny\r\n',
  'a/tls.crt': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'a/tls.key': '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  'b/base/kustomization.yaml': `configMapGenerator:
- name: cfg
  literals: [a=1, b=2]
  options: {labels: {base: "yes"}}
secretGenerator:
- name: sec
  literals: [u=admin]
resources: [dep.yaml]
`,
  'b/base/dep.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      volumes:
      - name: c
        configMap: {name: cfg}
      - name: s
        secret: {secretName: sec}
      - name: p
        projected:
          sources:
          - configMap: {name: cfg}
          - secret: {name: sec}
      containers:
      - name: app
        image: nginx
        envFrom:
        - configMapRef: {name: cfg}
        - secretRef: {name: sec}
`,
  'b/overlay/kustomization.yaml': `resources: [../base]
namePrefix: p-
namespace: ns1
configMapGenerator:
- name: cfg
  behavior: merge
  literals: [b=3, c=4]
  options: {annotations: {ov: "1"}}
secretGenerator:
- name: sec
  behavior: replace
  literals: [u=root]
  type: Opaque
`,
  'c/kustomization.yaml': `configMapGenerator:
- name: nohash
  literals: [a=1]
  options: {disableNameSuffixHash: true}
- name: keyed
  files: [my-key=sub/f.txt]
generatorOptions:
  disableNameSuffixHash: false
  immutable: true
`,
  'c/sub/f.txt': 'hello',
};
const snapshot = new MemorySnapshot('probe', {
  files: new Map(Object.entries(files)),
});

if (!hasKubectl) console.warn('kubectl is not on PATH: generator edge-case parity with Kustomize is not checked');

describe.skipIf(!hasKubectl)('generator edge cases print exactly as kubectl kustomize', () => {
  afterAll(cleanupKubectlTrees);
  for (const root of ['a', 'b/overlay', 'c']) {
    it(root, async () => {
      const [expected, rendered] = await Promise.all([
        kubectlBuildText(snapshot, root, 'LoadRestrictionsRootOnly'),
        builtinEngine.build(snapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' }),
      ]);
      expect(printObjects(rendered.objects)).toBe(expected);
    });
  }
});
