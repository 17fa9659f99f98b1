/**
 * A MachineHealthCheck selector: labels that must equal, labels that must not exist.
 *
 * @internal
 */
export interface MhcSelector {
  readonly owner: string;
  readonly matchLabels: { [key: string]: string };
  readonly doesNotExist: string[];
}

/**
 * Whether no machine can match both selectors: some key must have different values in both, or must exist for one
 * and not exist for the other. Anything else could select the same machine (BOOK-MHC: "make sure that the selectors
 * do not overlap").
 *
 * @internal
 */
export function selectorsDisjoint(a: MhcSelector, b: MhcSelector): boolean {
  for (const [key, value] of Object.entries(a.matchLabels)) {
    if (key in b.matchLabels && b.matchLabels[key] !== value) return true;
    if (b.doesNotExist.includes(key)) return true;
  }
  return Object.keys(b.matchLabels).some((key) => a.doesNotExist.includes(key));
}

/** Whether the selector matches a machine with these labels. @internal */
export function selectorMatches(s: MhcSelector, labels: { [key: string]: string }): boolean {
  return Object.entries(s.matchLabels).every(([k, v]) => labels[k] === v) && s.doesNotExist.every((k) => !(k in labels));
}
