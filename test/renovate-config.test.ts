// The Renovate part of .envgate.yml: the explicit opt-in for senior environments, and clear errors naming the key.
import { describe, expect, it } from 'vitest';
import { parseRepoConfig, type EnvironmentConfig } from '../src/config/config.js';
import { allowedUpdateTypes } from '../src/renovate/auto-approve.js';

const ENVIRONMENTS = `environments:
  dev: { paths: ["environments/dev/**"], class: low }
  staging: { paths: ["environments/staging/**"], class: high }
  prod: { paths: ["environments/prod/**"], class: critical }
`;

describe('renovate.autoApprove in the config', () => {
  it.each([
    [
      'an unknown update type',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    updateTypes: [patch, lockFileMaintenance]\n`,
      'renovate.autoApprove.updateTypes[1]: must be one of "major", "minor", "patch", "digest", "pin"',
      7,
    ],
    [
      'an unknown update type for a senior environment',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    seniorEnvironments:\n      prod: [patch, everything]\n`,
      'renovate.autoApprove.seniorEnvironments.prod[1]: must be one of',
      8,
    ],
    [
      'a senior environment that does not exist',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    seniorEnvironments:\n      production: [digest]\n`,
      'renovate.autoApprove.seniorEnvironments.production: no environment named "production"',
      8,
    ],
    [
      'types given as a string',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    seniorEnvironments:\n      prod: digest\n`,
      'renovate.autoApprove.seniorEnvironments.prod: must be a list',
      8,
    ],
    [
      'a misspelt key',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    seniorEnvironment: { prod: [digest] }\n`,
      'renovate.autoApprove.seniorEnvironment: unknown key',
      7,
    ],
  ])('rejects %s, naming the key and the line', (_name, text, message, line) => {
    const loaded = parseRepoConfig('.envgate.yml', text);
    expect(loaded.valid).toBe(false);
    const error = loaded.findings.find((f) => f.severity === 'error')!;
    expect(error).toMatchObject({ rule: 'config/invalid', file: '.envgate.yml', line });
    expect(error.message).toContain(message);
    expect(loaded.config.renovate.autoApprove).toEqual({ environments: [], updateTypes: [], seniorEnvironments: {} });
  });

  it('warns that a senior environment in autoApprove.environments is not auto-approved from there', () => {
    const loaded = parseRepoConfig(
      '.envgate.yml',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    environments: [dev, prod]\n    updateTypes: [patch]\n`,
    );
    expect(loaded.valid).toBe(true);
    expect(loaded.findings.filter((f) => f.rule.startsWith('config/renovate'))).toEqual([
      expect.objectContaining({
        rule: 'config/renovate-senior-environment',
        severity: 'warning',
        line: 7,
        message: expect.stringContaining('renovate.autoApprove.seniorEnvironments.prod'),
      }),
    ]);
  });

  it('warns by default class too when environments are discovered', () => {
    const loaded = parseRepoConfig('.envgate.yml', 'renovate:\n  autoApprove: { environments: [dev, staging] }\n');
    expect(loaded.findings.map((f) => f.message)).toEqual([expect.stringContaining('staging is a high environment')]);
  });

  it('allows types per environment: listed ones for low and medium, only the explicit opt-in for high and critical', () => {
    const loaded = parseRepoConfig(
      '.envgate.yml',
      `${ENVIRONMENTS}renovate:\n  autoApprove:\n    environments: [dev, staging, prod]\n    updateTypes: [patch, digest]\n    seniorEnvironments: { prod: [digest] }\n`,
    );
    const env = (name: string) => loaded.config.environments!.find((e) => e.name === name) as EnvironmentConfig;
    const renovate = loaded.config.renovate;
    expect(allowedUpdateTypes(env('dev'), renovate)).toEqual(['patch', 'digest']);
    expect(allowedUpdateTypes(env('staging'), renovate)).toEqual([]);
    expect(allowedUpdateTypes(env('prod'), renovate)).toEqual(['digest']);
    // An environment named like an Object.prototype member is just a name.
    expect(allowedUpdateTypes({ ...env('prod'), name: 'constructor' }, renovate)).toEqual([]);
  });
});
