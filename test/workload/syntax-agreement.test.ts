import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { ProductionApp, IngressController, ProductionIngress, ProductionNamespace, Profile, TlsCertificate } from '../../lib';
import { COVERAGE_CASES, IMAGE_CASES, PORT_NAME_CASES, SECRET_CASES } from '../internal/syntax-cases';

// The construct side of the shared syntax table (test/internal/syntax-cases.ts): the same rows that
// test/internal/names.test.ts feeds to the syntax functions and to the rule pack decide here what the constructs
// accept, so constructs and rules provably agree on images, secrets, port names and host coverage.

function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function prodChart() {
  const chart = Testing.chart();
  Profile.use(chart, Profile.PROD);
  return chart;
}

describe('constructs and rules agree on the shared syntax table', () => {
  test.each(IMAGE_CASES.map((c) => [c.image, c.pinned] as const))('image %s: accepted in prod exactly when pinned (%s)', (image, pinned) => {
    const message = errorOf(() => new ProductionApp(prodChart(), 'Web', { image, port: 8080, healthPath: '/healthz' }));
    if (pinned) {
      expect(message).toBeUndefined();
    } else {
      expect(message).toMatch(/'image'/);
    }
  });

  test.each(SECRET_CASES.map((c) => [c.name, c.value, c.secret] as const))('env %s=%s: refused in prod exactly when it looks secret (%s)', (name, value, secret) => {
    const message = errorOf(() => new ProductionApp(prodChart(), 'Web', {
      image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz', env: { [name]: kplus.EnvValue.fromValue(value) },
    }));
    const envError = message !== undefined && message.includes(`'env.${name}'`);
    expect(envError).toBe(secret);
    if (secret) {
      // The value never appears in the message.
      expect(message).toContain('<redacted>');
    }
  });

  test.each(PORT_NAME_CASES.map((c) => [c.name, c.valid] as const))('port name %s: accepted exactly when valid (%s)', (portName, valid) => {
    const message = errorOf(() => new ProductionApp(prodChart(), 'Web', {
      image: 'registry.example.com/web:1.0.0', port: 8080, portName, healthPath: '/healthz',
    }));
    expect(message === undefined || !message.includes('\'portName\'')).toBe(valid);
  });

  test.each(COVERAGE_CASES.map((c) => [c.cert, c.host, c.covered] as const))('certificate %s covers %s: %s', (cert, host, covered) => {
    const chart = prodChart();
    const ns = new ProductionNamespace(chart, 'Shop', { name: 'shop' });
    const app = new ProductionApp(ns, 'Web', { image: 'registry.example.com/web:1.0.0', port: 8080, healthPath: '/healthz' });
    const secret = kplus.Secret.fromSecretName(chart, 'Tls', 'tls');
    const ingress = new ProductionIngress(ns, 'Ingress', { controller: IngressController.NGINX, tls: [{ certificate: TlsCertificate.fromSecret(secret), hosts: [cert] }] });
    const message = errorOf(() => ingress.addRoute(host, '/', app));
    if (covered) {
      expect(message).toBeUndefined();
    } else {
      expect(message).toMatch(/'addRoute.host'/);
    }
  });
});
