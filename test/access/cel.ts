import { isCelError, run } from '@bufbuild/cel';

// Evaluates the CEL of a synthesized ValidatingAdmissionPolicy against an object, as the API server does: variables
// first, in order (each may read the earlier ones), then every validation; the request is denied when a validation
// is false or fails to evaluate (the policies are failurePolicy: Fail).
//
// The evaluator is @bufbuild/cel 0.6.1, which implements standard CEL (the macros has/all/exists/exists_one/map/filter,
// `in`, `matches` with RE2 syntax, startsWith/endsWith/contains, size, ternaries). It lacks every Kubernetes CEL
// extension library: `url()`, `quantity()`, `isSorted()`/`sum()` (lists), `find()`/`findAll()` (Kubernetes regex),
// `ip()`/`cidr()`, `authorizer`, `cel.bind`, and the optional syntax `?.`/`orValue()`. The policies are therefore written
// in standard CEL only (resources are checked for presence, never compared with quantity()), so what is evaluated
// here is exactly what the API server evaluates. The Kubernetes string extensions (split, lastIndexOf, ...) exist in
// @bufbuild/cel/ext but are not used either.

/** JSON as CEL input: objects become maps, integers stay numbers (the policies never compare numbers). */
export function toCel(value: unknown): any {
  if (Array.isArray(value)) return value.map(toCel);
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toCel(v)]));
  }
  return value;
}

/** The outcome of one policy on one object: the messages of the validations that failed, or the evaluation error. */
export function evaluatePolicy(policy: any, object: unknown, namespace = 'shop'): string[] {
  const variables = new Map<string, unknown>();
  const bindings = () => ({ object: toCel(object), request: toCel({ namespace, operation: 'CREATE' }), variables: new Map(variables) as any });
  for (const v of policy.spec.variables ?? []) {
    const value = run(v.expression, bindings());
    if (isCelError(value)) {
      return [`variable ${v.name}: ${String(value.message)}`];
    }
    variables.set(v.name, value);
  }
  const failed: string[] = [];
  for (const v of policy.spec.validations) {
    const result = run(v.expression, bindings());
    if (isCelError(result)) {
      failed.push(`error: ${String(result.message)}`);
    } else if (result !== true) {
      failed.push(v.message);
    }
  }
  return failed;
}
