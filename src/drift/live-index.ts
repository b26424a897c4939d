// Live objects by identity, with the one loose match a rendered object needs: a namespaced object rendered
// without a namespace is found in whichever namespace holds the only object of that kind and name.
import type { KubeObject } from '../render/types.js';
import { idKey, idOf } from './identity.js';
import type { ObjectId } from './types.js';

export class LiveIndex<T = KubeObject> {
  private readonly exact = new Map<string, T>();
  private readonly byName = new Map<string, T[]>();

  add(id: ObjectId, value: T): void {
    this.exact.set(idKey(id), value);
    const loose = `${id.group}/${id.kind}/${id.name}`;
    this.byName.set(loose, [...(this.byName.get(loose) ?? []), value]);
  }

  addObject(object: KubeObject, value: T): boolean {
    const id = idOf(object);
    if (!id) return false;
    this.add(id, value);
    return true;
  }

  find(id: ObjectId): T | undefined {
    const exact = this.exact.get(idKey(id));
    if (exact !== undefined || id.namespace !== '') return exact;
    const candidates = this.byName.get(`${id.group}/${id.kind}/${id.name}`) ?? [];
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  get size(): number {
    return this.exact.size;
  }
}
