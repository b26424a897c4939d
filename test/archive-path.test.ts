import { describe, expect, it } from 'vitest';
import { repositoryPath, symlinkStaysInside } from '../src/git/archive-path.js';

describe('archive paths', () => {
  it('strips the archive top folder and keeps ordinary paths', () => {
    expect(repositoryPath('acme-deploy-1a2b3c4/environments/prod/kustomization.yaml', 1)).toBe(
      'environments/prod/kustomization.yaml',
    );
    expect(repositoryPath('acme-deploy-1a2b3c4/', 1)).toBeUndefined();
    expect(repositoryPath('./environments//dev/a.yaml')).toBe('environments/dev/a.yaml');
  });

  it.each(['../etc/passwd', 'top/../../etc/passwd', '/etc/passwd', 'C:/Windows/x', 'top\\..\\..\\x', 'a/\0b'])(
    'refuses %j',
    (name) => expect(repositoryPath(name, 1)).toBeUndefined(),
  );

  it('tells symlinks that stay inside from those that leave', () => {
    expect(symlinkStaysInside('environments/prod/base', '../../base')).toBe(true);
    expect(symlinkStaysInside('environments/prod/base', '../../../outside')).toBe(false);
    expect(symlinkStaysInside('a/link', '/etc/passwd')).toBe(false);
  });
});
