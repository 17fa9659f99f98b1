import { IConstruct } from 'constructs';

/** The metadata key under which dev-profile warnings are recorded on a construct. */
export const WARNING_METADATA = '@platform/cdk8s-production:warning';

/**
 * The warnings recorded on `scope` and everything below it: the policy breaches that are errors in staging and
 * prod but only warnings in dev.
 */
export function collectWarnings(scope: IConstruct): string[] {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === WARNING_METADATA)
    .map((m) => `${c.node.path}: ${m.data}`));
}
