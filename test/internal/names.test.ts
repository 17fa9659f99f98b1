import * as fc from 'fast-check';
import { effectivePolicyTypes, hostCovers, isHost, isPortName, looksSecret, parseImage } from '../../lib/internal/names';
import { KubeObject, RulePack } from '../../lib/rules';
import { COVERAGE_CASES, HOST_CASES, IMAGE_CASES, POLICY_TYPES_CASES, PORT_NAME_CASES, SECRET_CASES } from './syntax-cases';

const LABELS = { app: 'web' };

/** A minimal Deployment, as plain JSON, whose one container is `container`. */
function deployment(container: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop' },
    spec: {
      selector: { matchLabels: LABELS },
      template: { metadata: { labels: LABELS }, spec: { containers: [{ name: 'web', image: 'web:1.0.0', ...container }] } },
    },
  };
}

/** An object of `kind` in the test namespace. */
function object(apiVersion: string, kind: string, body: Record<string, unknown>): KubeObject {
  return { apiVersion, kind, metadata: { name: 'web', namespace: 'shop' }, ...body };
}

/** The messages of the findings of one rule when the default rule pack checks `objects`. */
function findingsOf(ruleId: string, objects: KubeObject[]): string[] {
  return RulePack.check(objects).findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

describe('image references', () => {
  test.each(IMAGE_CASES)('parseImage($image)', ({ image, reference }) => {
    expect(parseImage(image)).toEqual(reference);
  });

  test.each(IMAGE_CASES.filter((c) => c.reference !== undefined))('the parts of $image put back together are the reference', ({ image }) => {
    const { repository, tag, digest } = parseImage(image)!;
    expect(`${repository}${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`).toBe(image);
  });

  test.each(IMAGE_CASES)('the rule pack judges $image pinned: $pinned', ({ image, pinned }) => {
    // GIVEN a Deployment running the image
    const objects = [deployment({ image })];
    // WHEN checked, THEN image-tag-pinned fires exactly when the image is not pinned
    expect(findingsOf('image-tag-pinned', objects)).toHaveLength(pinned ? 0 : 1);
  });

  test.each(IMAGE_CASES)('the rule pack lets $image skip imagePullPolicy Always only when it has a valid digest', ({ image, reference }) => {
    const objects = [deployment({ image, imagePullPolicy: 'IfNotPresent' })];
    expect(findingsOf('image-pull-policy', objects)).toHaveLength(reference?.digest ? 0 : 1);
  });
});

describe('secret-looking names and values', () => {
  test.each(SECRET_CASES)('looksSecret($name, $value) is $secret', ({ name, value, secret }) => {
    expect(looksSecret(name, value)).toBe(secret);
  });

  test.each(SECRET_CASES)('the rule pack judges env $name=$value secret: $secret', ({ name, value, secret }) => {
    // GIVEN a container with the variable as a literal
    const objects = [deployment({ env: [{ name, value }] })];
    // WHEN checked, THEN no-secrets-in-env (the scanners' patterns) or secret-looking-values (ours) fires exactly when the pair looks secret
    expect([...findingsOf('no-secrets-in-env', objects), ...findingsOf('secret-looking-values', objects)]).toHaveLength(secret ? 1 : 0);
  });

  test.each(SECRET_CASES)('the rule pack judges ConfigMap entry $name=$value secret: $secret', ({ name, value, secret }) => {
    const objects = [object('v1', 'ConfigMap', { data: { [name]: value } })];
    expect([...findingsOf('no-secrets-in-configmap', objects), ...findingsOf('secret-looking-values', objects)]).toHaveLength(secret ? 1 : 0);
  });

  test('a value read from a Secret is never judged', () => {
    const objects = [deployment({ env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }] })];
    expect(findingsOf('no-secrets-in-env', objects)).toEqual([]);
  });
});

describe('port names', () => {
  test.each(PORT_NAME_CASES)('isPortName($name) is $valid', ({ name, valid }) => {
    expect(isPortName(name)).toBe(valid);
  });

  test.each(PORT_NAME_CASES)('the rule pack judges port name $name valid: $valid', ({ name, valid }) => {
    // GIVEN a container port with the name, and a Service that targets it by that name
    const objects = [
      deployment({ ports: [{ name, containerPort: 8080 }] }),
      object('v1', 'Service', { spec: { selector: LABELS, ports: [{ port: 80, targetPort: name }] } }),
    ];
    // WHEN checked
    const messages = findingsOf('service-target-port', objects);
    // THEN the container port name is reported exactly when it is not valid
    expect(messages.some((m) => m.startsWith('container port name'))).toBe(!valid);
    // AND a valid name is a target the Service may use
    expect(messages.length === 0).toBe(valid);
  });
});

describe('Ingress hosts and certificate coverage', () => {
  test.each(HOST_CASES)('isHost($host) is $valid', ({ host, valid }) => {
    expect(isHost(host)).toBe(valid);
  });

  test.each(COVERAGE_CASES)('hostCovers($cert, $host) is $covered', ({ cert, host, covered }) => {
    expect(hostCovers(cert, host)).toBe(covered);
  });

  test.each(COVERAGE_CASES)('the rule pack judges $host covered by a certificate for $cert: $covered', ({ cert, host, covered }) => {
    // GIVEN an Ingress routing the host, with TLS for the certificate name
    const ingress = object('networking.k8s.io/v1', 'Ingress', {
      spec: {
        tls: [{ hosts: [cert], secretName: 'web-tls' }],
        rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
      },
    });
    // WHEN checked, THEN ingress-tls fires exactly when the certificate does not cover the host
    expect(findingsOf('ingress-tls', [ingress])).toEqual(covered ? [] : [`host '${host}' is not covered by spec.tls`]);
  });
});

describe('NetworkPolicy policyTypes', () => {
  test.each(POLICY_TYPES_CASES)('effectivePolicyTypes($spec) is $types', ({ spec, types }) => {
    expect(effectivePolicyTypes(spec)).toEqual(types);
  });

  test.each(POLICY_TYPES_CASES)('the rule pack takes $spec to restrict $types', ({ spec, types }) => {
    // GIVEN a Deployment and the one NetworkPolicy that selects its pods
    const objects = [deployment({}), object('networking.k8s.io/v1', 'NetworkPolicy', { spec: { podSelector: { matchLabels: LABELS }, ...spec } })];
    // WHEN checked, THEN pod-network-policy names exactly the directions left open
    const open = ['ingress', 'egress'].filter((d) => !types.map((t) => t.toLowerCase()).includes(d));
    expect(findingsOf('pod-network-policy', objects)).toEqual(open.length ? [`no NetworkPolicy restricts the ${open.join(' or ')} of its pods`] : []);
  });
});

/*
 * Properties: generated inputs, judged by the syntax functions and by the rule pack.
 */

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';

/** Strings of `minLength` to `maxLength` characters of `alphabet`. */
function stringOf(alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet.split('')), minLength, maxLength });
}

/** `first`, then any number of `separator` + `next`. */
function joined(first: fc.Arbitrary<string>, separator: fc.Arbitrary<string>, next: fc.Arbitrary<string>, maxMore: number): fc.Arbitrary<string> {
  return fc.tuple(first, fc.array(fc.tuple(separator, next), { maxLength: maxMore }))
    .map(([head, rest]) => head + rest.map(([sep, part]) => sep + part).join(''));
}

const lowerAlnum = stringOf(LOWER + DIGITS, 1, 6);
/** A DNS-1123 label. */
const dnsLabel = joined(lowerAlnum, fc.constant('-'), lowerAlnum, 1);
/** A DNS-1123 subdomain of two or three labels. */
const parentDomain = joined(dnsLabel, fc.constant('.'), dnsLabel, 2).filter((d) => d.includes('.'));
const pathComponent = joined(lowerAlnum, fc.constantFrom('.', '_', '__', '-', '---'), lowerAlnum, 2);
/** A first path component that cannot be taken for a registry host (it has no '.'). */
const firstPathComponent = joined(lowerAlnum, fc.constantFrom('_', '__', '-', '---'), lowerAlnum, 2);
const registry = fc.tuple(
  fc.oneof(fc.constant('localhost'), parentDomain, parentDomain.map((d) => d.toUpperCase())),
  fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
).map(([host, port]) => (port === undefined ? host : `${host}:${port}`))
  .filter((r) => r !== 'localhost'); // alone, localhost would be a repository name
const tag = fc.tuple(stringOf(LOWER + DIGITS + '_', 1, 1), stringOf(LOWER + LOWER.toUpperCase() + DIGITS + '_.-', 0, 12)).map(([a, b]) => a + b);
const digest = fc.oneof(
  stringOf(HEX, 64, 64).map((hex) => `sha256:${hex}`),
  stringOf(HEX, 128, 128).map((hex) => `sha512:${hex}`),
);
const reference = fc.record({
  repository: fc.tuple(fc.option(registry, { nil: undefined }), firstPathComponent, fc.array(pathComponent, { maxLength: 2 }))
    .map(([r, first, rest]) => [...(r === undefined ? [] : [r]), first, ...rest].join('/')),
  tag: fc.option(tag, { nil: undefined }),
  digest: fc.option(digest, { nil: undefined }),
});
/** An image reference written from its parts. */
function written(r: { repository: string; tag?: string; digest?: string }): string {
  return `${r.repository}${r.tag === undefined ? '' : `:${r.tag}`}${r.digest === undefined ? '' : `@${r.digest}`}`;
}
/** The same digest made invalid: a digit too few or too many, uppercase, or the other algorithm's name. */
const brokenDigest = fc.tuple(digest, fc.constantFrom('short', 'long', 'upper', 'algorithm')).map(([d, how]) => {
  switch (how) {
    case 'short': return d.slice(0, -1);
    case 'long': return `${d}0`;
    case 'upper': return `${d.slice(0, -1)}A`;
    default: return d.startsWith('sha256:') ? d.replace('sha256:', 'sha512:') : d.replace('sha512:', 'sha256:');
  }
});
/** Valid references, references with a broken digest, and arbitrary strings. */
const imageLike = fc.oneof(
  reference.map(written),
  fc.tuple(reference, brokenDigest).map(([r, d]) => written({ ...r, digest: d })),
  fc.string({ maxLength: 30 }),
);

describe('image reference properties', () => {
  test('every reference written from valid parts parses back to those parts', () => {
    fc.assert(fc.property(reference, (parts) => {
      const expected = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== undefined));
      expect(parseImage(written(parts))).toEqual(expected);
    }));
  });

  test('a reference with a malformed digest is refused', () => {
    fc.assert(fc.property(reference, brokenDigest, (parts, broken) => {
      expect(parseImage(written({ ...parts, digest: broken }))).toBeUndefined();
    }));
  });

  test('the rule pack reports an image exactly when parseImage finds no digest and no tag other than latest', () => {
    fc.assert(fc.property(imageLike, (image) => {
      const ref = parseImage(image);
      const pinned = !!ref && (ref.digest !== undefined || (ref.tag !== undefined && ref.tag !== 'latest'));
      expect(findingsOf('image-tag-pinned', [deployment({ image })])).toHaveLength(pinned ? 0 : 1);
    }), { numRuns: 200 });
  });
});

/** A secret-looking value: AWS key id, GitHub or Slack token, or a PEM private key header. */
const secretValue = fc.oneof(
  fc.tuple(fc.constantFrom('AKIA', 'ASIA'), stringOf(LOWER.toUpperCase() + DIGITS, 16, 16)).map(([p, rest]) => p + rest),
  fc.tuple(fc.constantFrom('ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'), stringOf(LOWER + DIGITS + 'XYZ', 36, 40)).map(([p, rest]) => p + rest),
  stringOf(LOWER + DIGITS + '_', 22, 40).map((rest) => `github_pat_${rest}`),
  fc.tuple(stringOf(LOWER, 1, 1), stringOf(LOWER + DIGITS + '-', 10, 20)).map(([t, rest]) => `xox${t}-${rest}`),
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.constantFrom('', 'RSA ', 'EC ', 'OPENSSH ', 'ENCRYPTED '), fc.constantFrom('', ' '))
    .map(([dashes, kind, space]) => `${'-'.repeat(dashes)}${space}BEGIN ${kind}PRIVATE KEY${space}${'-'.repeat(dashes)}\nMIIE`),
);
/** A word that makes a name secret-looking to Polaris (sensitiveContainerEnvVar), in any case. */
const scannerWord = fc.tuple(fc.constantFrom('password', 'secret', 'token', 'bearer'), fc.boolean())
  .map(([w, upper]) => (upper ? w.toUpperCase() : w));
/** A word that makes a name secret-looking to the library only (an opinion), in any case. */
const opinionWord = fc.tuple(fc.constantFrom('passwd', 'credential', 'api_key', 'apikey', 'private_key', 'access_key'), fc.boolean())
  .map(([w, upper]) => (upper ? w.toUpperCase() : w));
const secretWord = fc.oneof(scannerWord, opinionWord);
const envName = stringOf(LOWER.toUpperCase() + DIGITS + '_', 1, 12);
const blank = stringOf(' \t\n', 0, 3);

describe('secret-looking properties', () => {
  test('a secret-looking value is secret under any name and inside any text', () => {
    fc.assert(fc.property(fc.string(), fc.string(), secretValue, fc.string(), (name, before, secret, after) => {
      expect(looksSecret(name, `${before} ${secret} ${after}`)).toBe(true);
    }));
  });

  test("a name holding one of Polaris's words is secret with any value, the blank one included", () => {
    fc.assert(fc.property(envName, scannerWord, envName, fc.string(), (before, word, after, value) => {
      expect(looksSecret(`${before}${word}${after}`, value)).toBe(true);
    }));
  });

  test("a name holding one of the library's own words is secret with any non-blank value, and never with a blank one", () => {
    // the surrounding names must not hold a scanner word by chance
    const plain = envName.filter((n) => !/password|secret|token|bearer/i.test(n));
    fc.assert(fc.property(plain, opinionWord, plain, fc.string({ minLength: 1 }), blank, (before, word, after, value, space) => {
      const name = `${before}${word}${after}`;
      fc.pre(!/-\s*BEGIN\s+.*PRIVATE KEY.*?-/i.test(value));
      expect(looksSecret(name, value)).toBe(value.trim() !== '');
      expect(looksSecret(name, space)).toBe(false);
    }));
  });

  test('the rule pack reports an env literal and a ConfigMap entry exactly when looksSecret says so', () => {
    const name = fc.oneof(envName, fc.tuple(envName, secretWord).map(([a, b]) => a + b));
    const value = fc.oneof(secretValue, fc.string({ maxLength: 20 }), blank);
    fc.assert(fc.property(name, value, (n, v) => {
      const expected = looksSecret(n, v) ? 1 : 0;
      const env = [deployment({ env: [{ name: n, value: v }] })];
      const cm = [object('v1', 'ConfigMap', { data: { [n]: v } })];
      expect([...findingsOf('no-secrets-in-env', env), ...findingsOf('secret-looking-values', env)]).toHaveLength(expected);
      expect([...findingsOf('no-secrets-in-configmap', cm), ...findingsOf('secret-looking-values', cm)]).toHaveLength(expected);
    }), { numRuns: 200 });
  });
});

/** An IANA service name: lowercase alphanumerics and single inner '-', a letter somewhere, at most 15. */
const portName = fc.tuple(joined(stringOf(LOWER + DIGITS, 1, 4), fc.constant('-'), stringOf(LOWER + DIGITS, 1, 4), 2), stringOf(LOWER, 1, 1), fc.nat())
  .map(([name, letter, at]) => {
    const i = at % (name.length + 1);
    return `${name.slice(0, i)}${letter}${name.slice(i)}`;
  })
  .filter((n) => n.length <= 15 && !n.startsWith('-') && !n.endsWith('-'));

describe('port name properties', () => {
  test('every name built by the IANA grammar is a port name, and breaking one rule makes it not', () => {
    fc.assert(fc.property(portName, (name) => {
      expect(isPortName(name)).toBe(true);
      expect(isPortName(name.toUpperCase())).toBe(false);
      expect(isPortName(`-${name}`)).toBe(false);
      expect(isPortName(`${name}--x`)).toBe(false);
      expect(isPortName(`${name}${'x'.repeat(16 - name.length)}`)).toBe(false);
      expect(isPortName(name.replace(/[a-z]/g, '1'))).toBe(false);
    }));
  });

  test('the rule pack reports a container port name exactly when isPortName refuses it', () => {
    fc.assert(fc.property(fc.oneof(portName, fc.string({ maxLength: 17 })), (name) => {
      const messages = findingsOf('service-target-port', [deployment({ ports: [{ name, containerPort: 8080 }] })]);
      expect(messages.length).toBe(isPortName(name) ? 0 : 1);
    }), { numRuns: 200 });
  });
});

describe('host coverage properties', () => {
  test('a wildcard covers exactly one more label, and a name covers itself', () => {
    fc.assert(fc.property(dnsLabel, dnsLabel, parentDomain, (a, b, parent) => {
      expect(isHost(`${a}.${parent}`) && isHost(`*.${parent}`)).toBe(true);
      expect(hostCovers(`*.${parent}`, `${a}.${parent}`)).toBe(true);
      expect(hostCovers(`*.${parent}`, `${a}.${b}.${parent}`)).toBe(false);
      expect(hostCovers(`*.${parent}`, parent)).toBe(false);
      expect(hostCovers(`${a}.${parent}`, `${a}.${parent}`)).toBe(true);
    }));
  });

  const hostLike = fc.oneof(
    parentDomain,
    parentDomain.map((d) => `*.${d}`),
    fc.tuple(dnsLabel, parentDomain).map(([a, d]) => `${a}.${d}`),
    fc.constantFrom('*.example.com', 'a.example.com', 'example.com', '.example.com'),
  );

  test('a wildcard host is covered only by the identical wildcard', () => {
    fc.assert(fc.property(hostLike, parentDomain, (cert, parent) => {
      expect(hostCovers(cert, `*.${parent}`)).toBe(cert === `*.${parent}`);
    }));
  });

  test('the rule pack reports an Ingress host exactly when hostCovers says no TLS name covers it', () => {
    fc.assert(fc.property(fc.array(hostLike, { minLength: 1, maxLength: 3 }), hostLike, (certs, host) => {
      const ingress = object('networking.k8s.io/v1', 'Ingress', { spec: { tls: [{ hosts: certs }], rules: [{ host }] } });
      expect(findingsOf('ingress-tls', [ingress])).toHaveLength(certs.some((c) => hostCovers(c, host)) ? 0 : 1);
    }), { numRuns: 200 });
  });
});

describe('policyTypes properties', () => {
  const spec = fc.record({
    policyTypes: fc.subarray(['Ingress', 'Egress']),
    egress: fc.array(fc.constant({}), { maxLength: 2 }),
  }, { requiredKeys: [] });

  test('set policyTypes win; unset ones are Ingress, and Egress when there is an egress rule', () => {
    fc.assert(fc.property(spec, (s) => {
      const expected = s.policyTypes?.length ? s.policyTypes : ['Ingress', ...(s.egress?.length ? ['Egress'] : [])];
      expect(effectivePolicyTypes(s)).toEqual(expected);
    }));
  });

  test('the rule pack leaves open exactly the directions effectivePolicyTypes does not name', () => {
    fc.assert(fc.property(spec, (s) => {
      const np = object('networking.k8s.io/v1', 'NetworkPolicy', { spec: { podSelector: { matchLabels: LABELS }, ...s } });
      const types = effectivePolicyTypes(s);
      const open = ['Ingress', 'Egress'].filter((t) => !types.includes(t)).map((t) => t.toLowerCase());
      expect(findingsOf('pod-network-policy', [deployment({}), np]))
        .toEqual(open.length ? [`no NetworkPolicy restricts the ${open.join(' or ')} of its pods`] : []);
    }));
  });
});
