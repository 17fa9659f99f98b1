// Who may touch the shop namespace, and the floors the API server enforces again for what does not come from here.
import { App, Chart } from 'cdk8s';
import { AdmissionPodKind, ApiGrant, ApiResource, ApiVerb, KubernetesApiServer, PriorityClasses, ProductionAdmissionPolicies, ProductionApp, ProductionNamespace, Profile, TeamRole, TeamSubject, Synth } from '@platform/cdk8s-production';

const app = new App();

// Cluster-wide objects, owned by the platform team: priority classes and the admission floors.
const platform = new Chart(app, 'platform');
Profile.use(platform, Profile.PROD);
new PriorityClasses(platform, 'PriorityClasses');
const floors = new ProductionAdmissionPolicies(platform, 'AdmissionFloors', {
  allowedRegistries: ['registry.example.com'],
  externalServiceNamespaces: ['ingress-nginx'],
  podKinds: [...AdmissionPodKind.builtIns(), AdmissionPodKind.ARGO_ROLLOUT],
});

// The shop namespace, under the floors (its prod label also requires images pinned by digest).
const shopChart = new Chart(app, 'shop');
Profile.use(shopChart, Profile.PROD);
const shop = new ProductionNamespace(shopChart, 'Shop', {
  name: 'shop',
  apiServer: KubernetesApiServer.endpoints(['10.0.0.10/32', '10.0.0.11/32', '10.0.0.12/32'], { port: 6443 }),
});
floors.enforceIn(shop);

// Team access by intent: people read and debug, only the GitOps controller applies.
shop.grantTeam('shop', TeamRole.VIEWER, [TeamSubject.group('shop-stakeholders')]);
shop.grantTeam('shop', TeamRole.DEVELOPER, [TeamSubject.group('shop-developers')]);
shop.grantTeam('gitops', TeamRole.DEPLOYER, [TeamSubject.serviceAccount('argocd-application-controller', 'argocd')]);

new ProductionApp(shop, 'Web', {
  name: 'web',
  image: 'registry.example.com/shop/web@sha256:3c4e1f2a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e',
  port: 8080,
  healthPath: '/healthz',
});

// A workload that calls the API: its grants become its Role, and turn on its token and its egress to the API server.
new ProductionApp(shop, 'Scheduler', {
  name: 'scheduler',
  image: 'registry.example.com/shop/scheduler@sha256:9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e',
  port: 8080,
  healthPath: '/healthz',
  apiAccess: [
    ApiGrant.watch(ApiResource.CONFIG_MAPS),
    ApiGrant.of(ApiResource.LEASES, [ApiVerb.GET, ApiVerb.UPDATE], { resourceNames: ['scheduler-leader'] }),
    ApiGrant.of(ApiResource.LEASES, [ApiVerb.CREATE]),
  ],
});

Synth.app(app);
