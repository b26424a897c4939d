// The CEL environment policies run in: the variables of a ValidatingAdmissionPolicy (and Kyverno's
// ValidatingPolicy), the Kubernetes CEL libraries, and the compatibility fixes of lib/compat.ts. Built once per
// process (building an environment is the expensive part); every expression is parsed and type-checked in it.
import { Environment } from '@marcbachmann/cel-js';
import { registerCompat } from './lib/compat.js';
import { registerFormat } from './lib/format.js';
import { registerIp } from './lib/ip.js';
import { registerLists } from './lib/lists.js';
import { registerQuantity } from './lib/quantity.js';
import { registerRegex } from './lib/regex.js';
import { registerSemver } from './lib/semver.js';
import { registerSets } from './lib/sets.js';
import { registerStrings } from './lib/strings.js';
import { registerUrl } from './lib/url.js';

/** The variables every policy expression may use. All are dynamic: objects are whatever the manifest holds. */
export const POLICY_VARIABLES = [
  'object',
  'oldObject',
  'request',
  'params',
  'namespaceObject',
  'variables',
  'authorizer',
] as const;

let shared: Environment | undefined;

export function policyEnvironment(): Environment {
  if (!shared) {
    const env = new Environment({
      enableOptionalTypes: true,
      // Kubernetes sets HomogeneousAggregateLiterals but lets dyn() mix types (`[dyn('web'), 3]` for format());
      // the CEL library's check rejects even that, so mixed literals are allowed here.
      homogeneousAggregateLiterals: false,
      limits: { maxAstNodes: 20000, maxDepth: 250, maxListElements: 5000, maxMapEntries: 5000 },
    });
    for (const name of POLICY_VARIABLES) env.registerVariable(name, 'dyn');
    registerCompat(env);
    registerStrings(env);
    registerLists(env);
    registerRegex(env);
    registerSets(env);
    registerQuantity(env);
    registerUrl(env);
    registerIp(env);
    registerFormat(env);
    registerSemver(env);
    shared = env;
  }
  return shared;
}
