import { IConstruct } from 'constructs';
import { isDns1123Label } from './names';
import { Profile } from '../profile';
import { Warnings } from '../warnings';

/**
 * One problem with one prop.
 *
 * @internal
 */
export interface PropProblem {
  /** The prop as the user wrote it, e.g. `replicas` or `probes.liveness`. */
  readonly prop: string;
  /** The bad value, rendered for the message. */
  readonly value: unknown;
  /** What is wrong, without the value: "must be at least 2 in prod". */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Collects every problem of one construct's props, then throws them together.
 *
 * The message names the construct path, each prop, its value, what is wrong and the fix, so
 * that a user sees all problems of one construct at once.
 *
 * @internal
 */
export class PropErrors {
  private readonly problems: PropProblem[] = [];

  /**
   * @param profile the profile that decides whether a policy breach (`enforce`) is an error or a warning
   */
  public constructor(private readonly scope: IConstruct, private readonly kind: string, private readonly profile?: Profile) {}

  /** Records a problem. */
  public add(prop: string, value: unknown, problem: string, fix: string): void {
    this.problems.push({ prop, value, problem, fix });
  }

  /**
   * Records the problems a static factory found in its arguments (it has no construct path of its own), under
   * `prefix`, the prop or method where the factory's value is used.
   */
  public addAll(prefix: string, problems: readonly PropProblem[]): void {
    for (const p of problems) {
      this.add(`${prefix}.${p.prop}`, p.value, p.problem, p.fix);
    }
  }

  /** Records a problem when `condition` is true. */
  public check(condition: boolean, prop: string, value: unknown, problem: string, fix: string): void {
    if (condition) {
      this.add(prop, value, problem, fix);
    }
  }

  /**
   * Records a problem with an object's name: the user's `name`, or, when it is not set, the name derived from the
   * construct path, whose fix is to set `name` or change the construct id.
   *
   * @param what what the name must be, e.g. 'a DNS-1123 label'
   * @param fix how to write a valid one
   */
  public checkName(explicit: string | undefined, name: string, valid: boolean, what: string, fix: string): void {
    if (valid) {
      return;
    }
    if (explicit !== undefined) {
      this.add('name', explicit, `is not ${what}`, fix);
    } else {
      this.add('name', undefined, `is not set, and the name derived from the construct path ("${name}") is not ${what}`,
        `set 'name' (${fix}), or change the construct id`);
    }
  }

  /** Records a problem when `value` is set and is not a DNS-1123 label (a namespace or object name). */
  public checkDnsLabel(prop: string, value: string | undefined): void {
    this.check(value !== undefined && !isDns1123Label(value), prop, value, 'is not a DNS-1123 label',
      'use lowercase letters, digits and \'-\', at most 63 characters');
  }

  /**
   * Records a policy breach when `condition` is true: an error in staging and prod, a warning (construct
   * metadata, see `Warnings.collect`) in dev.
   */
  public enforce(condition: boolean, prop: string, value: unknown, problem: string, fix: string): void {
    if (!condition) {
      return;
    }
    const profile = this.profile ?? Profile.of(this.scope);
    if (profile.isProductionLike) {
      this.add(prop, value, `${problem}, which is not allowed in ${profile.name}`, fix);
    } else {
      this.scope.node.addMetadata(Warnings.METADATA_KEY, `'${prop}' (${renderValue(value)}) ${problem}. Fix: ${fix}`);
    }
  }

  /** How many problems were recorded. */
  public get count(): number {
    return this.problems.length;
  }

  /** True when nothing was recorded. */
  public get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws one error that lists every recorded problem; does nothing when there is none. */
  public throwIfAny(): void {
    if (this.problems.length === 0) {
      return;
    }
    const count = this.problems.length === 1 ? '1 invalid prop' : `${this.problems.length} invalid props`;
    const lines = this.problems.map((p) => `  - '${p.prop}' (${renderValue(p.value)}) ${p.problem}. Fix: ${p.fix}`);
    throw propsError(`${this.kind} '${this.scope.node.path}' has ${count}:\n${lines.join('\n')}`);
  }
}

/**
 * Renders a prop value for an error message.
 *
 * @internal
 */
export function renderValue(value: unknown): string {
  if (value === undefined) {
    return 'not set';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as any).toString === 'function'
    && (value as any).toString !== Object.prototype.toString) {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * The problems a static factory finds in its arguments. A factory has no construct path, so it does not throw: the
 * construct that uses its value reports them with its own path (`PropErrors.addAll`).
 *
 * @internal
 */
export class FactoryProblems {
  /** The problems, in the order found. */
  public readonly problems: PropProblem[] = [];

  /** Records a problem when `condition` is true. */
  public check(condition: boolean, prop: string, value: unknown, problem: string, fix: string): void {
    if (condition) {
      this.problems.push({ prop, value, problem, fix });
    }
  }
}

/**
 * An error in the props a user gave a construct of the library. When nothing catches it, the process ends with its
 * message alone (as the README shows it) and exit code 1, without the stack of library frames; set
 * `CDK8S_PRODUCTION_STACK=1` to see the stack.
 *
 * @internal
 */
export class ProductionPropsError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'ProductionPropsError';
  }
}

/** The environment variable that keeps the stack of an uncaught props error (`1` or `true`). @internal */
export const STACK_ENV = 'CDK8S_PRODUCTION_STACK';

let cleanExitInstalled = false;

/**
 * A props error, ready to throw. The first one installs the handler that prints an uncaught props error cleanly
 * (its message, exit code 1); any other uncaught error is printed with its stack and exit code 1, as Node does.
 * An app that listens for uncaught exceptions itself keeps full control.
 *
 * @internal
 */
export function propsError(message: string): ProductionPropsError {
  if (!cleanExitInstalled && typeof process !== 'undefined' && typeof process.on === 'function') {
    cleanExitInstalled = true;
    process.on('uncaughtException', (error: unknown) => {
      if (process.listenerCount('uncaughtException') > 1) {
        // The app handles uncaught errors itself.
        return;
      }
      const keep = (process.env[STACK_ENV] ?? '').toLowerCase();
      const clean = error instanceof ProductionPropsError && keep !== '1' && keep !== 'true';
      // Any other error is reported as Node reports it: its stack, and exit code 1.
      process.stderr.write(`${clean ? (error as Error).message : (error as Error)?.stack ?? String(error)}\n`);
      process.exit(1);
    });
  }
  return new ProductionPropsError(message);
}
