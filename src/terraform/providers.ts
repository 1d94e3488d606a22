// AuthTargets of the `provider "aws"` blocks of one module: one per alias, and
// with OpenTofu's for_each one per key.
import type { AssumeRoleSetting, AuthTarget, SourceRef } from '../model.ts';
import type { Block } from './hcl/ast.ts';
import type { ModuleConfig } from './config.ts';
import type { Scope } from './eval/scope.ts';
import { evaluateSafely } from './eval/evaluate.ts';
import { Unknown, isObject, isUnknown, makeObject, toStr, type Value } from './eval/value.ts';
import { FieldReader, blockSettings, commonFields, readAssumeRole, type PathContext } from './settings.ts';

export interface ProviderScope extends Scope {
  withEach(key: Value, value: Value): Scope;
}

/** `prefix` names the module instance, e.g. `module.net: `. */
export function providerTargets(config: ModuleConfig, scope: ProviderScope, prefix: string, ctx: PathContext): AuthTarget[] {
  const targets: AuthTarget[] = [];
  for (const block of config.providers) {
    const local = block.labels[0]!;
    if (!config.awsNames.has(local)) continue;
    const source: SourceRef = { file: block.file, line: block.line };
    const aliasAttr = block.body.attributes.find((a) => a.name === 'alias');
    let alias: string | undefined;
    if (aliasAttr) {
      const v = evaluateSafely(aliasAttr.expr, scope);
      alias = typeof v === 'string' ? v : undefined;
    }
    const base = prefix + (alias ? `${local}.${alias}` : local);
    const forEach = block.body.attributes.find((a) => a.name === 'for_each');
    if (!forEach) {
      targets.push(providerTarget(block, base, source, scope, ctx));
      continue;
    }
    const each = evaluateSafely(forEach.expr, scope);
    const instances = forEachInstances(each);
    if (!instances) {
      // The keys are not known: one target stands for all of them, saying why.
      const t = providerTarget(block, base, source, scope.withEach(unknownKey(each), unknownKey(each)), ctx);
      t.unknowns.unshift({ attribute: 'for_each', source: { file: forEach.file, line: forEach.line }, reason: isUnknown(each) ? each.reason : 'for_each must be a map or a set of strings' });
      targets.push(t);
      continue;
    }
    for (const [key, value] of instances) {
      targets.push(providerTarget(block, `${base}[${JSON.stringify(key)}]`, source, scope.withEach(key, value), ctx));
    }
  }
  return targets;
}

function unknownKey(each: Value): Value {
  return isUnknown(each) ? each : new Unknown('for_each is not a map or a set of strings');
}

/** Keys and values of a for_each: a map, or a set (list) of strings; undefined when unknown or invalid. */
export function forEachInstances(v: Value): [string, Value][] | undefined {
  if (isObject(v)) {
    if (Object.values(v).some(isUnknown)) return undefined;
    return Object.keys(v).sort().map((k) => [k, v[k]!]);
  }
  if (Array.isArray(v)) {
    const keys: string[] = [];
    for (const item of v) {
      if (isUnknown(item) || item === null) return undefined;
      try {
        keys.push(toStr(item));
      } catch {
        return undefined;
      }
    }
    return [...new Set(keys)].sort().map((k) => [k, k]);
  }
  return undefined;
}

function providerTarget(block: Block, name: string, source: SourceRef, scope: Scope, ctx: PathContext): AuthTarget {
  const reader = new FieldReader();
  const get = blockSettings(block.body, scope);
  const fields = commonFields(get, reader, ctx);
  const assumeRoles = [];
  let index = 0;
  const several = block.body.blocks.filter((b) => b.type === 'assume_role').length > 1;
  for (const b of block.body.blocks) {
    if (b.type === 'assume_role') {
      const hop = readAssumeRole(blockSettings(b.body, scope), { file: b.file, line: b.line }, reader.child(several ? `assume_role[${index}].` : 'assume_role.'));
      index++;
      if (hop) assumeRoles.push(hop);
    } else if (b.type === 'dynamic' && b.labels[0] === 'assume_role') {
      for (const hop of dynamicAssumeRoles(b, scope, reader)) assumeRoles.push(hop);
    }
  }
  const webIdentity = block.body.blocks.some((b) => b.type === 'assume_role_with_web_identity' || (b.type === 'dynamic' && b.labels[0] === 'assume_role_with_web_identity'));
  return { kind: 'provider', name, source, ...fields, assumeRoles, webIdentity, unknowns: reader.unknowns, ...(reader.sensitive.length > 0 ? { sensitiveValues: reader.sensitive } : {}) };
}

/**
 * `dynamic "assume_role" { for_each = …; iterator = …; content { … } }`: one
 * hop per element, in order, with `<iterator>.key` / `.value` in scope. Common
 * in reusable root modules (`for_each = var.role_arn == null ? [] : [1]`).
 */
function dynamicAssumeRoles(block: Block, scope: Scope, reader: FieldReader): AssumeRoleSetting[] {
  const source = { file: block.file, line: block.line };
  const forEach = block.body.attributes.find((a) => a.name === 'for_each');
  const content = block.body.blocks.find((b) => b.type === 'content');
  if (!forEach || !content) {
    reader.unknown('assume_role', source, 'dynamic "assume_role" needs for_each and a content block');
    return [];
  }
  const iteratorAttr = block.body.attributes.find((a) => a.name === 'iterator');
  const iterator = iteratorAttr?.expr.kind === 'scope' ? iteratorAttr.expr.name : 'assume_role';
  const collection = evaluateSafely(forEach.expr, scope);
  if (isUnknown(collection)) {
    reader.unknown('assume_role', { file: forEach.file, line: forEach.line }, `dynamic "assume_role" for_each: ${collection.reason}`);
    return [];
  }
  const items: Array<[Value, Value]> = Array.isArray(collection)
    ? collection.map((v, i) => [i, v])
    : isObject(collection)
      ? Object.keys(collection).sort().map((k) => [k, collection[k]!])
      : [];
  const hops: AssumeRoleSetting[] = [];
  items.forEach(([key, value], i) => {
    const itemScope: Scope = { ...scope, iterators: new Map([...(scope.iterators ?? []), [iterator, makeObject([['key', key], ['value', value]])]]) };
    const hop = readAssumeRole(blockSettings(content.body, itemScope), { file: content.file, line: content.line }, reader.child(items.length > 1 ? `assume_role[${i}].` : 'assume_role.'));
    if (hop) hops.push(hop);
  });
  return hops;
}
