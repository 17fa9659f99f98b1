/**
 * A plain Kubernetes object, as found in a manifest: `{ apiVersion, kind, metadata, spec, ... }`.
 *
 * The rule pack reads objects only through this shape, so it works on the output of cdk8s,
 * Helm, Kustomize or hand-written YAML alike.
 */
export interface KubeObject {
  /** The API group and version, e.g. `apps/v1`. */
  readonly apiVersion: string;
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** The object's metadata. */
  readonly metadata?: KubeMetadata;
  /**
   * Every other top-level field (`spec`, `data`, `rules`, ...).
   *
   * TypeScript only: jsii has no index signatures, so in other languages a `KubeObject` carries
   * `apiVersion`, `kind` and `metadata`; pass whole objects to `RulePack.check` as plain maps.
   *
   * @jsii ignore
   */
  readonly [field: string]: unknown;
}

/**
 * The part of `metadata` that the rules read.
 */
export interface KubeMetadata {
  /** The object's name. */
  readonly name?: string;
  /**
   * The object's namespace; objects without one are read as being in `default`.
   *
   * TypeScript only: the Kubernetes field name `namespace` is a reserved word in C#, so jsii
   * leaves it out; `RuleContext.namespaceOf` reads it in every language.
   *
   * @jsii ignore
   */
  readonly namespace?: string;
  /** The object's labels. */
  readonly labels?: { readonly [key: string]: string };
  /** The object's annotations (exemptions are read from here). */
  readonly annotations?: { readonly [key: string]: string };
  /**
   * Every other metadata field.
   *
   * TypeScript only (jsii has no index signatures).
   *
   * @jsii ignore
   */
  readonly [field: string]: unknown;
}

/**
 * An object together with where it came from.
 */
export interface LocatedObject {
  /** The Kubernetes object. */
  readonly kubeObject: KubeObject;
  /**
   * The path of the construct that produced the object, e.g. `prod/Web/Deployment/Resource`.
   *
   * @default - not known (objects from YAML files)
   */
  readonly constructPath?: string;
  /**
   * The file the object was read from.
   *
   * @default - not known (objects synthesized in memory)
   */
  readonly file?: string;
  /**
   * The line (1-based) of the file where the object's document starts.
   *
   * @default - not known
   */
  readonly line?: number;
  /**
   * The column (1-based) of that line.
   *
   * @default - not known
   */
  readonly column?: number;
  /**
   * Why the input cannot be judged (a YAML document that does not parse, or is not a mapping);
   * the `manifest-input` rule reports it and no other rule sees it.
   *
   * @default - the object is judged
   */
  readonly problem?: string;
}

/**
 * The name of an environment profile: `dev`, `staging` or `prod`.
 *
 * The same names as `Profile.DEV.name` and so on; a plain string here because the rule pack
 * also runs from YAML configuration (`cdk8s.yaml`) and the command line.
 */
export type ProfileName = 'dev' | 'staging' | 'prod';

/**
 * How serious a finding is: an `error` fails synthesis, the command line and the matchers; a
 * `warning` is reported but passes.
 */
export type Severity = 'error' | 'warning';

/**
 * The severity a rule has in one profile; `off` means the rule is not checked there.
 */
export type RuleLevel = Severity | 'off';

/**
 * A rule's severity in each profile.
 */
export interface SeverityByProfile {
  /** Severity in dev. */
  readonly dev: RuleLevel;
  /** Severity in staging. */
  readonly staging: RuleLevel;
  /** Severity in prod. */
  readonly prod: RuleLevel;
}

/**
 * A check of an established scanner or standard that a rule implements.
 *
 * Recording sources lets the engine honour the scanners' own exemption annotations, and lets
 * the README say where each rule comes from.
 */
export interface RuleSource {
  /**
   * The scanner or standard: `polaris`, `kube-score`, `kube-linter`, `pss-baseline`,
   * `pss-restricted` or `platform` (our own opinion).
   */
  readonly tool: string;
  /** The check's id in that tool, or the control's name in the Pod Security Standards. */
  readonly check: string;
  /**
   * True when the check is not on by default in that tool (the README marks it optional).
   *
   * @default false
   */
  readonly optional?: boolean;
}

/**
 * The object a finding is about.
 */
export interface ObjectRef {
  /** The object's API version. */
  readonly apiVersion: string;
  /** The object's kind. */
  readonly kind: string;
  /**
   * The object's namespace.
   *
   * @default - none set on the object
   */
  readonly namespaceName?: string;
  /** The object's name (`<unnamed>` when it has none). */
  readonly name: string;
}

/**
 * One violation that a rule's check returns.
 */
export interface Violation {
  /** The object that violates the rule (one of `context.objects`). */
  readonly kubeObject: KubeObject;
  /** What is wrong, in terms of the object: "container 'web' has no readiness probe". */
  readonly message: string;
  /**
   * The field at fault, e.g. `spec.template.spec.containers[0].readinessProbe`.
   *
   * @default - the object as a whole
   */
  readonly path?: string;
  /**
   * How to fix this violation, when more specific than the rule's fix.
   *
   * @default - the rule's `fix`
   */
  readonly fix?: string;
  /**
   * The scanners' checks (`tool:check`, as in the rule's sources) that report this violation,
   * when a merged rule's violation belongs to only some of them; a scanner's exemption
   * annotation suppresses the violation only when it names one of these.
   *
   * @default - every source of the rule
   */
  readonly checks?: string[];
}

/**
 * One problem found in the checked objects.
 */
export interface Finding {
  /** The id of the rule that found it. */
  readonly ruleId: string;
  /** How serious it is in the profile the check ran with. */
  readonly severity: Severity;
  /** The object at fault. */
  readonly objectRef: ObjectRef;
  /**
   * The construct path of the object at fault.
   *
   * @default - not known
   */
  readonly constructPath?: string;
  /**
   * The file the object was read from.
   *
   * @default - not known
   */
  readonly file?: string;
  /**
   * The line (1-based) in `file` where the object's document starts.
   *
   * @default - not known
   */
  readonly line?: number;
  /**
   * The column (1-based) in `file`.
   *
   * @default - not known
   */
  readonly column?: number;
  /**
   * The field at fault.
   *
   * @default - the object as a whole
   */
  readonly path?: string;
  /** What is wrong. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The scanners' and standards' checks that the rule implements. */
  readonly sources: RuleSource[];
  /**
   * The checks (`tool:check`) that report this finding, when only some of the rule's sources do
   * (a missing CPU request is Polaris cpuRequestsMissing, not memoryLimitsMissing).
   *
   * @default - every source of the rule
   */
  readonly checks?: string[];
}

/**
 * A violation that an annotation exempted; listed in every report.
 */
export interface Exemption {
  /** The rule that was exempted. */
  readonly ruleId: string;
  /** The object that carries the exemption. */
  readonly objectRef: ObjectRef;
  /**
   * The construct path of that object.
   *
   * @default - not known
   */
  readonly constructPath?: string;
  /** The annotation that exempted it, e.g. `production.platform.io/exempt-host-ports`. */
  readonly annotation: string;
  /** The reason written in the annotation, or a note that the annotation form carries none. */
  readonly reason: string;
  /** The violations the exemption suppressed. */
  readonly suppressed: string[];
}

/**
 * The result of checking a set of objects.
 */
export interface Report {
  /** The profile the check ran with. */
  readonly profile: ProfileName;
  /** Every problem found, errors first. */
  readonly findings: Finding[];
  /** Every exemption that suppressed at least one violation. */
  readonly exemptions: Exemption[];
  /** The rules the configuration turned off, with the reason it gives. */
  readonly disabled: DisabledRule[];
  /** How many objects were checked. */
  readonly objectCount: number;
  /** The ids of the rules that ran (not `off` in this profile, or in a profile an object names). */
  readonly rulesRun: string[];
  /** The number of findings at `error` severity. */
  readonly errorCount: number;
  /** The number of findings at `warning` severity. */
  readonly warningCount: number;
  /** True when there is no finding at `error` severity. */
  readonly passed: boolean;
}

/**
 * A rule the configuration disabled, and why.
 */
export interface DisabledRule {
  /** The rule's id. */
  readonly ruleId: string;
  /** The reason written in the configuration. */
  readonly reason: string;
}
