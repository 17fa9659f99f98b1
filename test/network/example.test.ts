import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { Reachability } from '../../lib/network/may-reach';
import { checkManifests } from '../../lib/rules/engine';
import { expectValidManifests } from '../helpers/schema';

// The example imports the package entry point; the network constructs are added to it here as well, so the
// test passes before and after lib/index.ts exports lib/network.
jest.mock('@platform/cdk8s-production', () => ({
  ...jest.requireActual('../../lib/index'),
  ...jest.requireActual('../../lib/network/kubernetes-api-server'),
  ...jest.requireActual('../../lib/network/may-reach'),
  ...jest.requireActual('../../lib/network/production-ingress'),
  ...jest.requireActual('../../lib/network/production-namespace'),
}));

function synthNetworkExample(): any[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-network-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    jest.isolateModules(() => {
      require('../../examples/network/main.ts');
    });
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  const objects = fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8')).map((d) => d.toJS()))
    .filter((o) => o);
  fs.rmSync(outdir, { recursive: true, force: true });
  return objects;
}

describe('examples/network', () => {
  const objects = synthNetworkExample();
  const podLabels = (name: string) => objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name).spec.template.metadata.labels;
  const web = { namespaceName: 'shop', labels: podLabels('web') };
  const api = { namespaceName: 'shop', labels: podLabels('api') };

  test('emits the namespace, the apps, the gateway with its certificates and redirect, and the routes', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(expect.arrayContaining([
      'Namespace/shop', 'NetworkPolicy/default-deny', 'NetworkPolicy/allow-dns', 'ResourceQuota/quota', 'LimitRange/limits',
      'Deployment/api', 'Deployment/web', 'Deployment/cart', 'NetworkPolicy/api', 'NetworkPolicy/web', 'NetworkPolicy/cart',
      'Gateway/public', 'Certificate/public-https-shop-example-com', 'Certificate/public-https-grpc-shop-example-com',
      'HTTPRoute/public-https-redirect', 'HTTPRoute/web', 'GRPCRoute/cart',
    ]));
    expect(objects.filter((o) => o.kind === 'Ingress')).toEqual([]);
    expect(objects.find((o) => o.kind === 'Namespace').metadata.labels['gateway.production.platform.io/public']).toBe('true');
  });

  test('is valid against the Kubernetes 1.28 and CRD schemas', () => {
    expectValidManifests(objects);
  });

  test('passes the production-readiness rule pack in prod with zero findings', () => {
    expect(checkManifests(objects, { profile: 'prod' }).findings).toEqual([]);
  });

  test('allows exactly gateway -> web, gateway -> cart and web -> api', () => {
    const controller = { namespaceName: 'gateway-system', labels: { 'gateway.networking.k8s.io/gateway-name': 'public' } };
    const cart = { namespaceName: 'shop', labels: podLabels('cart') };
    expect(Reachability.mayReach(objects, controller, web, 8080)).toBe(true);
    expect(Reachability.mayReach(objects, controller, cart, 9090)).toBe(true);
    expect(Reachability.mayReach(objects, controller, api, 9000)).toBe(false);
    expect(Reachability.mayReach(objects, web, cart, 9090)).toBe(false);
    expect(Reachability.mayReach(objects, web, api, 9000)).toBe(true);
    expect(Reachability.mayReach(objects, api, web, 8080)).toBe(false);
    expect(Reachability.mayReach(objects, web, { ip: '1.1.1.1' }, 443)).toBe(false);
    expect(Reachability.mayReach(objects, { namespaceName: 'other', labels: {} }, api, 9000)).toBe(false);
  });
});
