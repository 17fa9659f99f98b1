// One app, three environments: dev and staging are separate from prod, staging mirrors prod's structure.
import { App, Chart } from 'cdk8s';
import { ProductionApp, Profile, Synth } from '@platform/cdk8s-production';

const app = new App();

for (const profile of Profile.all()) {
  const chart = new Chart(app, `orders-${profile.name}`, { namespace: `orders-${profile.name}` });
  Profile.use(chart, profile);
  new ProductionApp(chart, 'Orders', {
    name: 'orders',
    image: 'registry.example.com/orders/service:3.7.0',
    port: 8080,
    healthPath: '/ready',
  });
}

Synth.app(app);
