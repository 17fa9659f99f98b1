import { IConstruct } from 'constructs';
import { propsError } from './internal/errors';

/**
 * How strictly a production rule is enforced in a profile.
 */
export enum Enforcement {
  /** The rule is not checked. */
  OFF = 'off',
  /** A violation is reported as a warning; synthesis goes on. */
  WARN = 'warn',
  /** A violation fails synthesis. */
  ERROR = 'error',
}

/**
 * An environment profile: dev, staging or prod.
 *
 * A profile is set once on a chart (or on the app) with `Profile.use(scope, Profile.PROD)`
 * and every construct below that scope reads it with `Profile.of(this)`. It changes policy, not
 * only sizes: what is a warning in dev is an error in prod. Staging has the same structure as
 * prod (same objects, same policies); only sizes differ.
 *
 * A scope with no profile set anywhere above it is treated as `Profile.PROD`, so forgetting to
 * set one never weakens a manifest.
 */
export class Profile {
  /** Developer and test clusters: single replicas and small sizes allowed, policy breaches warn. */
  public static readonly DEV = new Profile('dev', false);
  /** A replica of production: the same objects and policies as prod, smaller sizes. */
  public static readonly STAGING = new Profile('staging', true);
  /** Production: every floor is enforced and every breach is an error. */
  public static readonly PROD = new Profile('prod', true);

  /** The context key under which the profile name is stored in the construct tree. */
  public static readonly CONTEXT_KEY = '@platform/cdk8s-production:profile';

  /** All profiles, in order of strictness. */
  public static all(): Profile[] {
    return [Profile.DEV, Profile.STAGING, Profile.PROD];
  }

  /**
   * The profile with this name (`dev`, `staging` or `prod`).
   *
   * @throws if the name is not one of the three.
   */
  public static named(name: string): Profile {
    const found = Profile.all().find((p) => p.name === name);
    if (!found) {
      throw propsError(`Unknown profile '${name}': use one of ${Profile.all().map((p) => `'${p.name}'`).join(', ')}`);
    }
    return found;
  }

  /**
   * Sets the profile for `scope` and everything below it.
   *
   * Call it on the chart (or app) before adding constructs to it.
   */
  public static use(scope: IConstruct, profile: Profile): void {
    if (!(profile instanceof Profile)) {
      const named = typeof profile === 'string' && Profile.all().some((p) => p.name === profile)
        ? `Profile.${String(profile).toUpperCase()} (or Profile.named('${profile}'))` : 'Profile.DEV, Profile.STAGING or Profile.PROD';
      throw propsError(`${scope.node.path || '<app>'}: Profile.use was given ${JSON.stringify(profile) ?? String(profile)}, not a Profile. Fix: use ${named}`);
    }
    if (scope.node.children.length > 0) {
      throw propsError(`${scope.node.path || '<app>'}: Profile.use('${profile.name}') was called after constructs were added; set the profile once per chart, before adding constructs`);
    }
    scope.node.setContext(Profile.CONTEXT_KEY, profile.name);
  }

  /**
   * The profile in force at `scope`: the nearest one set above it, or `Profile.PROD` when none is.
   */
  public static of(scope: IConstruct): Profile {
    const name = scope.node.tryGetContext(Profile.CONTEXT_KEY);
    return name === undefined ? Profile.PROD : Profile.named(String(name));
  }

  private constructor(
    /** The profile's name: `dev`, `staging` or `prod`. */
    public readonly name: string,
    /** True for staging and prod: the profiles that must be highly available and strict. */
    public readonly isProductionLike: boolean,
  ) {}

  /**
   * How a production floor is enforced here: an error in staging and prod, a warning in dev.
   */
  public get enforcement(): Enforcement {
    return this.isProductionLike ? Enforcement.ERROR : Enforcement.WARN;
  }

  /**
   * Picks the value for this profile.
   *
   * @internal
   */
  public _select<T>(values: _ProfileValues<T>): T {
    switch (this.name) {
      case 'dev': return values.dev;
      case 'staging': return values.staging;
      default: return values.prod;
    }
  }

  public toString(): string {
    return this.name;
  }
}

/**
 * One value per profile.
 *
 * @internal
 */
export interface _ProfileValues<T> {
  /** The value in dev. */
  readonly dev: T;
  /** The value in staging. */
  readonly staging: T;
  /** The value in prod. */
  readonly prod: T;
}
