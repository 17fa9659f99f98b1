import { Chart, Testing } from 'cdk8s';
import { Profile } from '../../lib/profile';

/** A test chart with `profile` set on it. */
export function chartFor(profile: Profile): Chart {
  const chart = Testing.chart();
  Profile.use(chart, profile);
  return chart;
}

/** The synthesized objects of one kind, in output order. */
export function ofKind(manifests: any[], kind: string): any[] {
  return manifests.filter((m) => m.kind === kind);
}

/** The one synthesized object of `kind`; fails the test when there is not exactly one. */
export function one(manifests: any[], kind: string): any {
  const found = ofKind(manifests, kind);
  expect(found).toHaveLength(1);
  return found[0];
}
