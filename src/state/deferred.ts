/**
 * A state store that is not there yet: a fleet's replica learns the namespace of its store (its
 * Zoho org and user) only after its first Zoho calls, and Redis must be checked for persistence
 * first. Until `resolve`, every method throws StateStoreUnavailableError, so that moves and keyed
 * calls are refused before any Zoho call, as they are while Redis is down.
 */
import { StateStoreUnavailableError, type StateStore } from './types.ts';

export class DeferredStateStore implements StateStore {
  readonly kind: StateStore['kind'];
  #target: StateStore | null = null;
  #why: string;

  constructor(kind: StateStore['kind'], why: string) {
    this.kind = kind;
    this.#why = why;
  }

  resolve(target: StateStore): void {
    this.#target = target;
  }

  /** Still not there, now for this reason. */
  refuse(why: string): void {
    this.#why = why;
  }

  get ready(): boolean {
    return this.#target !== null;
  }

  #t(): StateStore {
    if (!this.#target) throw new StateStoreUnavailableError(this.#why);
    return this.#target;
  }

  claim: StateStore['claim'] = async (op) => this.#t().claim(op);
  get: StateStore['get'] = async (id) => this.#t().get(id);
  finish: StateStore['finish'] = async (id, result, expiresAt, now) => this.#t().finish(id, result, expiresAt, now);
  remove: StateStore['remove'] = async (id) => this.#t().remove(id);
  renew: StateStore['renew'] = async (owner, leaseUntil, now) =>
    this.#target ? this.#target.renew(owner, leaseUntil, now) : 0;
  takeOver: StateStore['takeOver'] = async (id, from, to, leaseUntil, now) =>
    this.#t().takeOver(id, from, to, leaseUntil, now);
  findRecoverable: StateStore['findRecoverable'] = async (now) =>
    this.#target ? this.#target.findRecoverable(now) : [];
  findRunningInScope: StateStore['findRunningInScope'] = async (scope) => this.#t().findRunningInScope(scope);
  journal: StateStore['journal'] = async (entries) => this.#t().journal(entries);
  entries: StateStore['entries'] = async (opId) => this.#t().entries(opId);
  settle: StateStore['settle'] = async (opId, seq, state, result) => this.#t().settle(opId, seq, state, result);
  purge: StateStore['purge'] = async (now) => (this.#target ? this.#target.purge(now) : 0);
  stats: StateStore['stats'] = async () =>
    this.#target
      ? this.#target.stats()
      : { operations: 0, runningOperations: 0, journalEntries: 0, pendingEntries: 0, bytes: null };
  close: StateStore['close'] = async () => {
    await this.#target?.close();
  };
}
