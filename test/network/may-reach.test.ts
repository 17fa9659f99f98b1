import * as kplus from 'cdk8s-plus-28';
import { Reachability } from '../../lib/network/may-reach';

// Small hand-written policies, so the evaluator is checked against the NetworkPolicy semantics and not
// against what our constructs happen to emit.
const np = (namespace: string, spec: Record<string, unknown>) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `p${Math.random()}`, namespace }, spec,
});
const a = { namespaceName: 'shop', labels: { app: 'a' } };
const b = { namespaceName: 'shop', labels: { app: 'b' } };
const other = { namespaceName: 'other', labels: { app: 'x' } };

describe('mayReach', () => {
  test('no policy at all: everything is open', () => {
    expect(Reachability.mayReach([], a, b, 80)).toBe(true);
  });

  test('a policy with no rules of a type denies that type for the pods it selects', () => {
    const denyAll = np('shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(Reachability.mayReach([denyAll], a, b, 80)).toBe(false);
    // a pod in another namespace is not selected: its egress is open, but b's ingress is closed
    expect(Reachability.mayReach([denyAll], other, b, 80)).toBe(false);
    // b may not call out, but other's ingress and egress are unrestricted
    expect(Reachability.mayReach([denyAll], other, { namespaceName: 'other', labels: {} }, 80)).toBe(true);
  });

  test('both the source egress and the destination ingress must allow', () => {
    const ingressOnly = np('shop', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }] }] });
    const egressDeny = np('shop', { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'] });
    expect(Reachability.mayReach([ingressOnly], a, b, 80)).toBe(true);
    expect(Reachability.mayReach([ingressOnly, egressDeny], a, b, 80)).toBe(false);
  });

  test('policyTypes defaults: Ingress always, Egress only with egress rules', () => {
    const noTypes = np('shop', { podSelector: { matchLabels: { app: 'a' } } });
    expect(Reachability.mayReach([noTypes], b, a, 80)).toBe(false);
    expect(Reachability.mayReach([noTypes], a, b, 80)).toBe(true);
  });

  test('ports and protocols: numbers, endPort, named ports, TCP by default', () => {
    const p = np('shop', {
      podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'],
      ingress: [{ ports: [{ port: 8080 }, { port: 9000, endPort: 9010, protocol: 'UDP' }, { port: 'metrics' }] }],
    });
    expect(Reachability.mayReach([p], a, b, 8080)).toBe(true);
    expect(Reachability.mayReach([p], a, b, 8081)).toBe(false);
    expect(Reachability.mayReach([p], a, b, 8080, kplus.Protocol.UDP)).toBe(false);
    expect(Reachability.mayReach([p], a, b, 9005, kplus.Protocol.UDP)).toBe(true);
    expect(Reachability.mayReach([p], a, b, 9005)).toBe(false);
    expect(Reachability.mayReach([p], a, { ...b, namedPorts: { metrics: 9100 } }, 9100)).toBe(true);
    expect(Reachability.mayReach([p], a, b, 9100)).toBe(false);
  });

  test('a podSelector alone matches pods of the policy namespace only', () => {
    const p = np('shop', { podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] });
    expect(Reachability.mayReach([p], a, b, 80)).toBe(true);
    expect(Reachability.mayReach([p], other, b, 80)).toBe(false);
  });

  test('namespaceSelector and podSelector in one peer must both match; namespace labels come from Namespace objects', () => {
    const p = np('shop', {
      podSelector: { matchLabels: { app: 'b' } }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'edge' } }, podSelector: { matchLabels: { app: 'x' } } }] }],
    });
    const nsObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { team: 'edge' } } };
    expect(Reachability.mayReach([p], other, b, 80)).toBe(false);
    expect(Reachability.mayReach([p, nsObject], other, b, 80)).toBe(true);
    expect(Reachability.mayReach([p, nsObject], { namespaceName: 'other', labels: { app: 'y' } }, b, 80)).toBe(false);
    expect(Reachability.mayReach([p], { ...other, namespaceLabels: { team: 'edge' } }, b, 80)).toBe(true);
  });

  test('matchExpressions', () => {
    const p = np('shop', {
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['b'] }] }, policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }, { key: 'app', operator: 'NotIn', values: ['z'] }] } }] }],
    });
    expect(Reachability.mayReach([p], a, b, 80)).toBe(true);
    expect(Reachability.mayReach([p], { namespaceName: 'shop', labels: { app: 'z' } }, b, 80)).toBe(false);
    expect(Reachability.mayReach([p], { namespaceName: 'shop', labels: { app: 'a', tier: 'x' } }, b, 80)).toBe(false);
  });

  test('ipBlock matches addresses, minus except; pod selectors never match outside addresses', () => {
    const p = np('shop', {
      podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }, { podSelector: {} }], ports: [{ port: 5432 }] }],
    });
    expect(Reachability.mayReach([p], a, { ip: '10.2.3.4' }, 5432)).toBe(true);
    expect(Reachability.mayReach([p], a, { ip: '10.1.3.4' }, 5432)).toBe(false);
    expect(Reachability.mayReach([p], a, { ip: '8.8.8.8' }, 5432)).toBe(false);
    expect(Reachability.mayReach([p], a, { ip: '10.2.3.4' }, 443)).toBe(false);
    const v6 = np('shop', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: 'fd00::/8' } }] }] });
    expect(Reachability.mayReach([v6], a, { ip: 'fd12::1' }, 443)).toBe(true);
    expect(Reachability.mayReach([v6], a, { ip: '2001:db8::1' }, 443)).toBe(false);
  });

  test('an empty rule (no peers, no ports) allows everything of its type', () => {
    const p = np('shop', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    expect(Reachability.mayReach([p], other, b, 1234, kplus.Protocol.UDP)).toBe(true);
  });

  test('policies of other namespaces and other kinds are ignored', () => {
    const elsewhere = np('other', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const cilium = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'shop' }, spec: {} };
    expect(Reachability.mayReach([elsewhere, cilium, 'junk', null], a, b, 80)).toBe(true);
  });
});
