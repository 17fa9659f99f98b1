import { IConstruct } from 'constructs';

/**
 * The dev-profile warnings: policy breaches that are errors in staging and prod but only
 * warnings in dev, recorded as construct metadata.
 *
 * @example
 * for (const warning of Warnings.collect(app)) {
 *   console.warn(warning);
 * }
 */
export class Warnings {
  /** The metadata type under which dev-profile warnings are recorded on a construct. */
  public static readonly METADATA_KEY: string = '@platform/cdk8s-production:warning';

  /**
   * The warnings recorded on `scope` and everything below it, each as `<construct path>: <warning>`.
   */
  public static collect(scope: IConstruct): string[] {
    return scope.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Warnings.METADATA_KEY)
      .map((m) => `${c.node.path}: ${m.data}`));
  }

  private constructor() {}
}
