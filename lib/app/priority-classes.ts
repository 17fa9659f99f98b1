import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PRIORITY_CLASSES } from '../defaults';
import { _registerAppChecks } from '../internal/app-checks';
import { PropErrors, propsError } from '../internal/errors';
import { _uniqueId } from '../internal/scope';
import { assertPropTypes } from '../internal/prop-types';
import { Profile } from '../profile';
import { clusterScoped, objectMetadata } from '../workload/_metadata';

/**
 * Props of `PriorityClasses`.
 */
export interface PriorityClassesProps {
  /**
   * The name of the class that is the cluster's global default (for pods that name none).
   *
   * @default - none is the global default
   */
  readonly globalDefault?: string;
}

/**
 * The PriorityClass objects that ProductionApps refer to: `platform-high` (prod), `platform-default` (staging)
 * and `platform-low` (dev).
 *
 * Emit them once per cluster, in the platform's own chart.
 *
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 *
 * @example
 * new PriorityClasses(platform, 'PriorityClasses');
 */
export class PriorityClasses extends Construct {
  /** The PriorityClass objects, by name. */
  public readonly classes: Record<string, k8s.KubePriorityClass> = {};

  public constructor(scope: Construct, id: string, props: PriorityClassesProps = {}) {
    super(scope, _uniqueId(scope, id, 'PriorityClasses'));
    _registerAppChecks(this);
    assertPropTypes(new PropErrors(this, 'PriorityClasses'), props, 'PriorityClassesProps');
    const names = PRIORITY_CLASSES.map((c) => c.name);
    if (props.globalDefault !== undefined && !names.includes(props.globalDefault)) {
      throw propsError(`PriorityClasses '${this.node.path}' has 1 invalid prop:\n  - 'globalDefault' ("${props.globalDefault}") is not one of the classes. Fix: use one of ${names.map((n) => `'${n}'`).join(', ')}`);
    }
    for (const c of PRIORITY_CLASSES) {
      this.classes[c.name] = new k8s.KubePriorityClass(this, c.name, {
        metadata: objectMetadata(Profile.of(this), c.name, undefined, { 'app.kubernetes.io/name': c.name }),
        value: c.value,
        globalDefault: props.globalDefault === c.name,
        preemptionPolicy: 'PreemptLowerPriority',
        description: c.description,
      });
      clusterScoped(this.classes[c.name]);
    }
  }
}
