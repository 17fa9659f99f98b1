import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import { Node } from 'constructs';
import { ClusterDefaultDeny, Cni } from '../../lib/network/cluster-default-deny';
import { ProductionNamespace } from '../../lib/network/production-namespace';
import { Profile } from '../../lib/profile';
import { expectValidManifests } from '../helpers/schema';

function chartFor(profile: Profile, props: { namespace?: string } = {}): Chart {
  // Testing.chart() takes no props; a chart with a namespace needs its own app.
  const chart = props.namespace === undefined ? Testing.chart() : new Chart(Testing.app(), 'test', { namespace: props.namespace });
  Profile.use(chart, profile);
  return chart;
}
const byKind = (m: any[], kind: string) => m.filter((o) => o.kind === kind);
const managed = { 'app.kubernetes.io/managed-by': 'cdk8s-production' };
const stamped = { 'production.platform.io/profile': 'prod' };

describe('ClusterDefaultDeny with Cni.CILIUM', () => {
  // GIVEN a prod chart WHEN a Cilium default deny is added with every default
  const chart = chartFor(Profile.PROD);
  const deny = new ClusterDefaultDeny(chart, 'DefaultDeny', { cni: Cni.CILIUM, name: 'default-deny' });
  const m = Testing.synth(chart);

  test('emits exactly one object: a CiliumClusterwideNetworkPolicy', () => {
    expect(m.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['cilium.io/v2 CiliumClusterwideNetworkPolicy']);
  });

  test('every field of the CiliumClusterwideNetworkPolicy', () => {
    expect(byKind(m, 'CiliumClusterwideNetworkPolicy')[0]).toEqual({
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'default-deny', labels: managed, annotations: stamped },
      spec: {
        description: 'Default deny for every pod outside kube-system; DNS to kube-system/k8s-app=kube-dns on port 53 allowed',
        endpointSelector: {
          matchExpressions: [
            { key: 'k8s:io.kubernetes.pod.namespace', operator: 'Exists' },
            { key: 'k8s:io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] },
          ],
        },
        enableDefaultDeny: { ingress: true, egress: true },
        egress: [{
          toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
          toPorts: [{
            ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
            rules: { dns: [{ matchPattern: '*' }] },
          }],
        }],
      },
    });
  });

  test('has no ingress rule: nothing is allowed in, and no empty rule `{}` that reads as "allow all"', () => {
    const spec = byKind(m, 'CiliumClusterwideNetworkPolicy')[0].spec;
    expect(spec.ingress).toBeUndefined();
    expect(spec.ingressDeny).toBeUndefined();
    expect(spec.egressDeny).toBeUndefined();
  });

  test('is valid against the CRD schema (strict)', () => {
    expectValidManifests(m);
  });

  test('exposes the resolved props and the object', () => {
    expect(deny.cni).toBe(Cni.CILIUM);
    expect(deny.name).toBe('default-deny');
    expect(deny.exemptNamespaces).toEqual(['kube-system']);
    expect(deny.dnsNamespace).toBe('kube-system');
    expect(deny.dnsPodLabels).toEqual({ 'k8s-app': 'kube-dns' });
    expect(deny.dnsVisibility).toBe(true);
    expect(deny.ciliumPolicy).toBeDefined();
    expect(deny.calicoPolicy).toBeUndefined();
    expect(deny.resource).toBe(deny.ciliumPolicy);
  });
});

describe('ClusterDefaultDeny with Cni.CALICO', () => {
  // GIVEN a prod chart WHEN a Calico default deny is added with every default
  const chart = chartFor(Profile.PROD);
  const deny = new ClusterDefaultDeny(chart, 'DefaultDeny', { cni: Cni.CALICO, name: 'default-deny' });
  const m = Testing.synth(chart);

  test('emits exactly one object: a Calico GlobalNetworkPolicy', () => {
    expect(m.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual(['projectcalico.org/v3 GlobalNetworkPolicy']);
  });

  test('every field of the GlobalNetworkPolicy', () => {
    const dns = (protocol: string) => ({
      action: 'Allow',
      protocol,
      destination: {
        namespaceSelector: 'projectcalico.org/name == "kube-system"',
        selector: 'k8s-app == "kube-dns"',
        ports: [53],
      },
    });
    expect(byKind(m, 'GlobalNetworkPolicy')[0]).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkPolicy',
      metadata: { name: 'default-deny', labels: managed, annotations: stamped },
      spec: {
        order: 2000,
        namespaceSelector: 'has(projectcalico.org/name) && projectcalico.org/name not in {"kube-system", "calico-system", "calico-apiserver"}',
        types: ['Ingress', 'Egress'],
        egress: [dns('UDP'), dns('TCP')],
      },
    });
  });

  test('comes after Kubernetes NetworkPolicies (order 1000), so their allows are evaluated first', () => {
    expect(byKind(m, 'GlobalNetworkPolicy')[0].spec.order).toBeGreaterThan(1000);
  });

  test('has no ingress rule, so ingress ends in the implicit deny', () => {
    expect(byKind(m, 'GlobalNetworkPolicy')[0].spec.ingress).toBeUndefined();
  });

  test('is valid against the CRD schema (strict)', () => {
    expectValidManifests(m);
  });

  test('exposes the resolved props and the object', () => {
    expect(deny.cni).toBe(Cni.CALICO);
    expect(deny.exemptNamespaces).toEqual(['kube-system', 'calico-system', 'calico-apiserver']);
    expect(deny.dnsVisibility).toBe(false);
    expect(deny.calicoPolicy).toBeDefined();
    expect(deny.ciliumPolicy).toBeUndefined();
    expect(deny.resource).toBe(deny.calicoPolicy);
  });
});

describe('ClusterDefaultDeny options', () => {
  test('Cni carries its name and its namespaces, frozen', () => {
    expect(Cni.CILIUM.name).toBe('cilium');
    expect(String(Cni.CALICO)).toBe('calico');
    expect(Cni.CILIUM.namespaces).toEqual(['kube-system']);
    expect(Cni.CALICO.namespaces).toEqual(['calico-system', 'calico-apiserver']);
    expect(Object.isFrozen(Cni.CALICO.namespaces)).toBe(true);
  });

  test('the name defaults to one derived from the construct path', () => {
    // GIVEN / WHEN
    const chart = chartFor(Profile.PROD);
    const deny = new ClusterDefaultDeny(chart, 'DefaultDeny', { cni: Cni.CILIUM });
    // THEN
    expect(deny.name).toMatch(/^test-defaultdeny-[0-9a-f]{8}$/);
    expect(Testing.synth(chart)[0].metadata.name).toBe(deny.name);
  });

  test('custom exempt namespaces, DNS namespace and labels reach both kinds', () => {
    // GIVEN
    const props = {
      name: 'deny',
      exemptNamespaces: ['kube-system', 'dns', 'cilium'],
      dnsNamespace: 'dns',
      dnsPodLabels: { 'app.kubernetes.io/name': 'coredns', 'tier': 'dns' },
    };
    const cilium = chartFor(Profile.PROD);
    const calico = chartFor(Profile.PROD);
    // WHEN
    new ClusterDefaultDeny(cilium, 'C', { ...props, cni: Cni.CILIUM });
    new ClusterDefaultDeny(calico, 'C', { ...props, cni: Cni.CALICO });
    const [ccnp] = Testing.synth(cilium);
    const [gnp] = Testing.synth(calico);
    // THEN
    expect(ccnp.spec.endpointSelector.matchExpressions[1]).toEqual(
      { key: 'k8s:io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system', 'dns', 'cilium'] });
    expect(ccnp.spec.egress[0].toEndpoints).toEqual([{
      matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'dns', 'k8s:app.kubernetes.io/name': 'coredns', 'k8s:tier': 'dns' },
    }]);
    expect(ccnp.spec.description).toBe('Default deny for every pod outside kube-system, dns, cilium; '
      + 'DNS to dns/app.kubernetes.io/name=coredns,tier=dns on port 53 allowed');
    expect(gnp.spec.namespaceSelector).toBe('has(projectcalico.org/name) && projectcalico.org/name not in {"kube-system", "dns", "cilium"}');
    expect(gnp.spec.egress[0].destination).toEqual({
      namespaceSelector: 'projectcalico.org/name == "dns"',
      selector: 'app.kubernetes.io/name == "coredns" && tier == "dns"',
      ports: [53],
    });
    expectValidManifests([ccnp, gnp]);
  });

  test('the default exempt list adds a custom DNS namespace', () => {
    const chart = chartFor(Profile.PROD);
    const deny = new ClusterDefaultDeny(chart, 'C', { cni: Cni.CALICO, dnsNamespace: 'dns' });
    expect(deny.exemptNamespaces).toEqual(['kube-system', 'calico-system', 'calico-apiserver', 'dns']);
  });

  test('dnsVisibility: false drops the L7 DNS rule and keeps the L4 allow', () => {
    const chart = chartFor(Profile.PROD);
    new ClusterDefaultDeny(chart, 'C', { cni: Cni.CILIUM, dnsVisibility: false });
    const [ccnp] = Testing.synth(chart);
    expect(ccnp.spec.egress[0].toPorts).toEqual([{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }] }]);
    expectValidManifests([ccnp]);
  });

  test('in a chart with a namespace, the cluster-scoped object carries none', () => {
    const chart = chartFor(Profile.PROD, { namespace: 'apps' });
    new ClusterDefaultDeny(chart, 'C', { cni: Cni.CILIUM, name: 'deny' });
    const [ccnp] = Testing.synth(chart);
    expect(ccnp.metadata).toEqual({ name: 'deny', labels: managed, annotations: stamped });
  });

  test.each(Profile.all())('the same policy in %s (it does not depend on the profile), stamped with the profile', (profile) => {
    const chart = chartFor(profile);
    new ClusterDefaultDeny(chart, 'C', { cni: Cni.CILIUM, name: 'deny' });
    const prod = chartFor(Profile.PROD);
    new ClusterDefaultDeny(prod, 'C', { cni: Cni.CILIUM, name: 'deny' });
    const [ours] = Testing.synth(chart);
    const [prods] = Testing.synth(prod);
    expect(ours.spec).toEqual(prods.spec);
    expect(ours.metadata.annotations).toEqual({ 'production.platform.io/profile': profile.name });
  });
});

describe('ClusterDefaultDeny escape hatches', () => {
  test('the exposed object, ApiObject.of(x).addJsonPatch and Node.of(x).findChild', () => {
    // GIVEN
    const chart = chartFor(Profile.PROD);
    const deny = new ClusterDefaultDeny(chart, 'C', { cni: Cni.CALICO, name: 'deny' });
    // WHEN
    ApiObject.of(deny.resource).addJsonPatch(JsonPatch.add('/spec/tier', 'security'));
    const child = Node.of(deny).findChild('Resource');
    // THEN
    expect(child).toBe(deny.calicoPolicy);
    const [gnp] = Testing.synth(chart);
    expect(gnp.spec.tier).toBe('security');
    expectValidManifests([gnp]);
  });
});

describe('ClusterDefaultDeny bad input', () => {
  const make = (props: Partial<ConstructorParameters<typeof ClusterDefaultDeny>[2]>, profile = Profile.PROD) => () => {
    const chart = chartFor(profile);
    new ClusterDefaultDeny(chart, 'Deny', { cni: Cni.CILIUM, ...props });
  };

  test('throws for a name that is not a DNS-1123 label, naming path, prop, value and fix', () => {
    expect(make({ name: 'default.deny' })).toThrow(
      "ClusterDefaultDeny 'test/Deny' has 1 invalid prop:\n"
      + "  - 'name' (\"default.deny\") is not a DNS-1123 label. Fix: use lowercase letters, digits and '-', at most 63 characters");
  });

  test('throws for an exempt namespace that is not a namespace name', () => {
    expect(make({ exemptNamespaces: ['kube-system', 'Kube_Public'] })).toThrow(
      "  - 'exemptNamespaces[1]' (\"Kube_Public\") is not a namespace name. Fix: use a DNS-1123 label such as 'kube-system'");
  });

  test('throws for a duplicate exempt namespace', () => {
    expect(make({ exemptNamespaces: ['kube-system', 'cilium', 'kube-system'] })).toThrow(
      "  - 'exemptNamespaces[2]' (\"kube-system\") is listed twice. Fix: remove the duplicate");
  });

  test.each(Profile.all())('throws for an empty exempt list in %s (the cluster DNS would be denied)', (profile) => {
    expect(make({ exemptNamespaces: [] }, profile)).toThrow(
      "  - 'exemptNamespaces' ([]) does not contain the DNS namespace \"kube-system\", so the cluster DNS itself would be denied "
      + 'and no pod could resolve a name. Fix: add "kube-system", or leave \'exemptNamespaces\' unset for the default ["kube-system"]');
  });

  test('throws for an exempt list without the DNS namespace', () => {
    expect(() => new ClusterDefaultDeny(chartFor(Profile.PROD), 'Deny', { cni: Cni.CALICO, exemptNamespaces: ['calico-system'] })).toThrow(
      "  - 'exemptNamespaces' ([\"calico-system\"]) does not contain the DNS namespace \"kube-system\", so the cluster DNS itself would "
      + 'be denied and no pod could resolve a name. Fix: add "kube-system", or leave \'exemptNamespaces\' unset for the default '
      + '["kube-system","calico-system","calico-apiserver"]');
  });

  test('throws for a bad DNS namespace', () => {
    expect(make({ dnsNamespace: 'kube system', exemptNamespaces: ['kube-system'] })).toThrow(
      "  - 'dnsNamespace' (\"kube system\") is not a namespace name. Fix: use a DNS-1123 label such as 'kube-system'");
  });

  test('throws for empty DNS pod labels', () => {
    expect(make({ dnsPodLabels: {} })).toThrow(
      "  - 'dnsPodLabels' ({}) is empty, which would allow port 53 to every pod of the DNS namespace. "
      + "Fix: give the labels of the DNS pods, e.g. { 'k8s-app': 'kube-dns' }");
  });

  test('throws for a DNS pod label key or value that is not valid (it would break the Calico selector)', () => {
    expect(make({ dnsPodLabels: { 'k8s app': 'kube-dns', 'tier': 'a" || all()' } })).toThrow(
      /'dnsPodLabels\["k8s app"\]' \("k8s app"\) is not a label key[\s\S]*'dnsPodLabels\["tier"\]' \("a\\" \|\| all\(\)"\) is not a label value/);
  });

  test('throws for dnsVisibility with Calico', () => {
    expect(make({ cni: Cni.CALICO, dnsVisibility: true })).toThrow(
      "  - 'dnsVisibility' (true) is a Cilium option, but 'cni' is calico. Fix: remove 'dnsVisibility', or use Cni.CILIUM");
  });

  test('throws inside a ProductionNamespace (the policy is cluster-scoped)', () => {
    const chart = chartFor(Profile.PROD);
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    expect(() => new ClusterDefaultDeny(ns, 'Deny', { cni: Cni.CILIUM })).toThrow(
      "ClusterDefaultDeny 'test/Shop/Deny' has 1 invalid prop:\n"
      + "  - 'scope' (\"shop\") is a ProductionNamespace; the cluster-wide policy has no namespace. Fix: create the ClusterDefaultDeny directly in a chart");
  });

  test('throws once with every independent problem', () => {
    let message = '';
    try {
      make({ name: 'A', exemptNamespaces: ['x_y', 'x_y'], dnsPodLabels: {} })();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^ClusterDefaultDeny 'test\/Deny' has 6 invalid props:\n/);
    expect(message.split('\n').slice(1).map((l) => l.replace(/^ {2}- ('[^']+') .*$/, '$1'))).toEqual([
      "'name'", "'dnsPodLabels'", "'exemptNamespaces[0]'", "'exemptNamespaces[1]'", "'exemptNamespaces[1]'", "'exemptNamespaces'",
    ]);
    expect(message).not.toMatch(/\.$/m);
  });
});
