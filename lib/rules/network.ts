import { ADVISORY, perPod, src, STRICT } from './_helpers';
import { apiGroup, asArray, asObject, asStringMap, isEmptySelector, LabelSelector, namespaceOf, RuleContext, Workload } from './context';
import { effectivePolicyTypes, hostCovers, isPortName } from '../internal/names';
import { IRule } from './rule';
import { KubeObject, Violation } from './types';

/** Which directions the policies selecting a workload's pods restrict (policies indexed once per check). */
function isolation(ctx: RuleContext, w: Workload): { ingress: boolean; egress: boolean; any: boolean } {
  let ingress = false;
  let egress = false;
  let any = false;
  const nps = ctx._selectingObjects('networkpolicy', 'NetworkPolicy', (np) => asObject(asObject(np.spec).podSelector) as LabelSelector, 'networking.k8s.io');
  for (const np of nps.get(w) ?? []) {
    any = true;
    const types = effectivePolicyTypes(asObject(np.spec));
    ingress = ingress || types.includes('Ingress');
    egress = egress || types.includes('Egress');
  }
  const cnps = ctx._selectingObjects('ciliumnetworkpolicy', 'CiliumNetworkPolicy', (cnp) => asObject(asObject(cnp.spec).endpointSelector) as LabelSelector, 'cilium.io');
  for (const cnp of cnps.get(w) ?? []) {
    const spec = asObject(cnp.spec);
    any = true;
    ingress = ingress || spec.ingress !== undefined || spec.ingressDeny !== undefined;
    egress = egress || spec.egress !== undefined || spec.egressDeny !== undefined;
  }
  return { ingress, egress, any };
}

/**
 * Every pod is selected by NetworkPolicies that restrict both its ingress and its egress.
 *
 * Standard NetworkPolicies and CiliumNetworkPolicies count; Calico policies use a selector
 * language this rule does not evaluate, so add a standard policy alongside them.
 *
 * Sources: kube-score pod-networkpolicy; Polaris missingNetworkPolicy; kube-linter
 * non-isolated-pod.
 */
export const podNetworkPolicy: IRule = {
  id: 'pod-network-policy',
  description: 'Every pod is selected by NetworkPolicies that restrict ingress and egress',
  sources: src('kube-score:pod-networkpolicy', 'polaris:missingNetworkPolicy', '?kube-linter:non-isolated-pod'),
  severity: STRICT,
  fix: 'Add a NetworkPolicy whose podSelector matches the pod labels, with policyTypes [Ingress, Egress]',
  check: (ctx) => perPod(ctx, (w) => {
    const iso = isolation(ctx, w);
    if (!iso.any) {
      return 'no NetworkPolicy selects its pods';
    }
    const open = [!iso.ingress ? 'ingress' : undefined, !iso.egress ? 'egress' : undefined].filter((x) => x);
    return open.length ? `no NetworkPolicy restricts the ${open.join(' or ')} of its pods` : undefined;
  }),
};

/**
 * NetworkPolicies with a non-empty pod selector select at least one pod.
 *
 * Policies with an empty selector (namespace-wide defaults) are not checked.
 *
 * Sources: kube-score networkpolicy-targets-pod; kube-linter dangling-networkpolicy.
 */
export const networkPolicyTargets: IRule = {
  id: 'network-policy-targets-pods',
  description: 'NetworkPolicies select at least one pod',
  sources: src('kube-score:networkpolicy-targets-pod', '?kube-linter:dangling-networkpolicy'),
  severity: STRICT,
  fix: "Correct spec.podSelector to match the pods' labels, or delete the policy",
  check: (ctx) => ctx.ofKind('NetworkPolicy', 'networking.k8s.io').flatMap((np) => {
    const sel = asObject(asObject(np.spec).podSelector) as LabelSelector;
    if (isEmptySelector(sel) || ctx.workloadsSelectedBy(namespaceOf(np), sel).length > 0) {
      return [];
    }
    return [{ kubeObject: np, message: 'spec.podSelector matches no pod', path: 'spec.podSelector' }];
  }),
};

function selectedBy(ctx: RuleContext, svc: KubeObject): Workload[] {
  return ctx.workloadsSelectedByMap(namespaceOf(svc), asStringMap(asObject(svc.spec).selector));
}

function selectsPods(svc: KubeObject): boolean {
  const spec = asObject(svc.spec);
  return spec.type !== 'ExternalName' && Object.keys(asObject(spec.selector)).length > 0;
}

/**
 * Services with a selector select at least one pod.
 *
 * Sources: kube-score service-targets-pod; kube-linter dangling-service.
 */
export const serviceTargets: IRule = {
  id: 'service-targets-pods',
  description: 'Services select at least one pod',
  sources: src('kube-score:service-targets-pod', 'kube-linter:dangling-service'),
  severity: STRICT,
  fix: "Correct spec.selector to match the pods' labels",
  check: (ctx) => ctx.ofKind('Service').filter(selectsPods)
    .filter((svc) => selectedBy(ctx, svc).length === 0)
    .map((svc) => ({ kubeObject: svc, message: 'spec.selector matches no pod', path: 'spec.selector' })),
};

/**
 * Port names are valid IANA service names: Service targetPorts given as names (on every
 * Service, with a selector or without) and container port names.
 *
 * Sources: kube-linter invalid-target-ports.
 */
export const serviceTargetPort: IRule = {
  id: 'service-target-port',
  description: 'Service targetPort names and container port names are valid port names',
  sources: src('kube-linter:invalid-target-ports'),
  severity: STRICT,
  fix: 'Use a port name of at most 15 lowercase letters, digits and dashes, with at least one letter',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const w of ctx.workloads()) {
      asArray(w.podSpec.containers).map(asObject).forEach((c, ci) => asArray(c.ports).map(asObject).forEach((p, pi) => {
        if (p.name !== undefined && p.name !== null && !isPortName(String(p.name))) {
          out.push({ kubeObject: w.kubeObject, message: `container port name '${String(p.name)}' is not a valid port name`, path: `${w.podSpecPath}.containers[${ci}].ports[${pi}].name` });
        }
      }));
    }
    for (const svc of ctx.ofKind('Service')) {
      asArray(asObject(svc.spec).ports).map(asObject).forEach((port, i) => {
        const target = port.targetPort;
        if (typeof target === 'string' && !/^\d+$/.test(target) && !isPortName(target)) {
          out.push({ kubeObject: svc, message: `targetPort '${target}' is not a valid port name`, path: `spec.ports[${i}].targetPort` });
        }
      });
    }
    return out;
  },
};

/**
 * Service targetPorts (by name or number) are declared by the pods the Service selects.
 *
 * Sources: our opinion (a cross-check no scanner makes by default).
 */
export const serviceTargetPortDeclared: IRule = {
  id: 'service-target-port-declared',
  description: 'Service targetPorts name or number a port the selected pods declare',
  sources: src('platform:service-target-port-declared'),
  severity: ADVISORY,
  opinion: true,
  fix: 'Make each targetPort the name or number of a container port of the selected pods',
  check: (ctx) => {
    const out: Violation[] = [];
    for (const svc of ctx.ofKind('Service').filter(selectsPods)) {
      const pods = selectedBy(ctx, svc);
      if (pods.length === 0) {
        continue;
      }
      const declared = pods.flatMap((w) => asArray(w.podSpec.containers).flatMap((c) => asArray(asObject(c).ports).map(asObject)));
      asArray(asObject(svc.spec).ports).map(asObject).forEach((port, i) => {
        const target = port.targetPort ?? port.port;
        const path = `spec.ports[${i}].targetPort`;
        if (typeof target === 'string' && !/^\d+$/.test(target)) {
          if (isPortName(target) && !declared.some((p) => p.name === target)) {
            out.push({ kubeObject: svc, message: `targetPort '${target}' is not a port name of the selected pods`, path });
          }
        } else if (declared.length > 0 && !declared.some((p) => String(p.containerPort) === String(target))) {
          out.push({ kubeObject: svc, message: `targetPort ${String(target)} is not declared by the selected pods`, path });
        }
      });
    }
    return out;
  },
};

/**
 * Services are not exposed on a port of every node.
 *
 * Sources: kube-score service-type.
 */
export const serviceType: IRule = {
  id: 'service-type',
  description: 'Services are not of type NodePort',
  sources: src('kube-score:service-type'),
  severity: STRICT,
  fix: 'Use a ClusterIP Service behind an Ingress or Gateway (or a LoadBalancer)',
  check: (ctx) => ctx.ofKind('Service').filter((s) => asObject(s.spec).type === 'NodePort')
    .map((s) => ({ kubeObject: s, message: 'is of type NodePort', path: 'spec.type' })),
};

interface Backend { readonly service: string; readonly port?: number | string; readonly path: string; readonly legacy?: boolean }

function ingressBackends(ing: KubeObject): Backend[] {
  const spec = asObject(ing.spec);
  const result: Backend[] = [];
  const add = (b: unknown, path: string) => {
    const backend = asObject(b);
    const svc = asObject(backend.service);
    if (svc.name !== undefined) {
      const port = asObject(svc.port);
      result.push({ service: String(svc.name), port: (port.number ?? port.name) as number | string | undefined, path });
    } else if (backend.serviceName !== undefined) {
      result.push({ service: String(backend.serviceName), port: backend.servicePort as number | string | undefined, path, legacy: true });
    }
  };
  if (spec.defaultBackend !== undefined) add(spec.defaultBackend, 'spec.defaultBackend');
  if (spec.backend !== undefined) add(spec.backend, 'spec.backend');
  asArray(spec.rules).map(asObject).forEach((r, ri) => asArray(asObject(r.http).paths).map(asObject).forEach((p, pi) =>
    add(p.backend, `spec.rules[${ri}].http.paths[${pi}].backend`)));
  return result;
}

/**
 * Ingress backends name an existing Service and one of its ports.
 *
 * Sources: kube-score ingress-targets-service; kube-linter dangling-ingress.
 */
export const ingressTargets: IRule = {
  id: 'ingress-targets-service',
  description: 'Ingress backends name an existing Service and one of its ports',
  sources: src('kube-score:ingress-targets-service', '?kube-linter:dangling-ingress'),
  severity: STRICT,
  fix: 'Point the backend at a Service in the same namespace, by one of its port numbers or names',
  check: (ctx) => ctx.ofKind('Ingress').flatMap((ing) => ingressBackends(ing).flatMap((b) => {
    if (b.legacy && ing.apiVersion === 'networking.k8s.io/v1') {
      // networking.k8s.io/v1 has only backend.service.{name,port}; the v1beta1 fields route nowhere
      return [{ kubeObject: ing, message: `backend uses the v1beta1 fields serviceName/servicePort ('${b.service}'), which networking.k8s.io/v1 does not have`, path: b.path,
        fix: 'Write the backend as service: { name, port: { number } } (or port.name)' }];
    }
    const svc = ctx.find('Service', b.service, namespaceOf(ing));
    if (!svc) {
      return [{ kubeObject: ing, message: `backend Service '${b.service}' is not defined`, path: b.path }];
    }
    if (b.port === undefined) {
      return [];
    }
    const ports = asArray(asObject(svc.spec).ports).map(asObject);
    return ports.some((p) => p.port === b.port || p.name === b.port || String(p.port) === String(b.port)) ? []
      : [{ kubeObject: ing, message: `backend port ${JSON.stringify(b.port)} is not a port of Service '${b.service}'`, path: b.path }];
  })),
};

/**
 * Ingresses terminate TLS for every host they route.
 *
 * Sources: Polaris tlsSettingsMissing.
 */
export const ingressTls: IRule = {
  id: 'ingress-tls',
  description: 'Ingresses configure TLS for every host',
  sources: src('polaris:tlsSettingsMissing'),
  severity: STRICT,
  fix: 'Add spec.tls with the hosts and a certificate Secret (e.g. issued by cert-manager)',
  check: (ctx) => ctx.objects.filter((o) => o.kind === 'Ingress' && ['networking.k8s.io', 'extensions'].includes(apiGroup(o)))
    .flatMap((ing) => {
      const spec = asObject(ing.spec);
      const tls = asArray(spec.tls).map(asObject);
      if (tls.length === 0) {
        return [{ kubeObject: ing, message: 'has no TLS configuration', path: 'spec.tls' }];
      }
      const tlsHosts = tls.flatMap((t) => asArray(t.hosts).map(String));
      return asArray(spec.rules).map(asObject).map((r) => r.host).filter((h) => typeof h === 'string')
        .filter((h) => !tlsHosts.some((t) => hostCovers(t, String(h))))
        .map((h) => ({ kubeObject: ing, message: `host '${String(h)}' is not covered by spec.tls`, path: 'spec.tls' }));
    }),
};

/** Every network rule, in report order. */
export const NETWORK_RULES: readonly IRule[] = [
  podNetworkPolicy, networkPolicyTargets, serviceTargets, serviceTargetPort, serviceTargetPortDeclared, serviceType, ingressTargets,
  ingressTls,
];
