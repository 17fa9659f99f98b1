export * from './types';
export * from './rule';
export type { LabelSelector, LabelSelectorRequirement, ContainerInfo, Workload, JsonObject, RejectedInput } from './context';
export { RuleContext } from './context';
export type { CheckOptions } from './engine';
export type { RuleConfig, SeverityOverride, ResolvedRules } from './config';
export * from './rule-pack';
