// The shape of one taxonomy rule. Rules are data: the classifier is a small loop over them,
// and the documentation is rendered from them, so what users read is what the code does.

import type { ClassId, FactValue, FailureSource, RepairId } from '../types.js';

/**
 * What a rule matches. Every field the rule specifies must match; fields it leaves out are
 * ignored. They are checked in this order (cheapest and most structural first):
 * sources → operations → statusCodes → codes → about → patterns → factIn.
 */
export interface RuleMatch {
  /** The failure's source must be one of these. */
  readonly sources?: readonly FailureSource[];
  /** The failure's operation must be one of these (what we were doing: 'pull', 'container.start'…). */
  readonly operations?: readonly string[];
  /** The failure's HTTP status must be one of these. */
  readonly statusCodes?: readonly number[];
  /**
   * Structured codes (case-insensitive): Node syscall codes, ARM error codes, credential error names.
   * The failure's own code and every inner detail's code are candidates; inner codes are tried first,
   * so a specific inner code wins over a generic outer `DeploymentFailed`.
   */
  readonly codes?: readonly string[];
  /**
   * Context the failure must be about (any regex over operation, service, target, inner targets
   * or the messages). Used for codes that mean something only for one service (ACI capacity).
   */
  readonly about?: readonly RegExp[];
  /**
   * Regexes over the raw message and the inner details' messages; any of them may match, tried in
   * order. Named capture groups become facts. Never use the `g` or `y` flags (they carry state).
   */
  readonly patterns?: readonly RegExp[];
  /** Refinement on extracted facts: each named fact must equal one of the listed values. */
  readonly factIn?: Readonly<Record<string, readonly FactValue[]>>;
}

/** How a rule fills facts beyond its match patterns' named groups. */
export interface RuleFacts {
  /**
   * Copy the target into this fact (e.g. 'image'), optionally only for some operations. The target is
   * the matched inner detail's target when the match came from one, else the failure's.
   */
  readonly fromTarget?: { readonly fact: string; readonly operations?: readonly string[] };
  /** Extra extract-only regexes over the same texts as `patterns`; first value found per fact wins. */
  readonly extract?: readonly RegExp[];
  /** Keep the matched message (the inner detail's when the match came from one), trimmed, as fact `detail`. */
  readonly detail?: boolean;
  /** List the inner details as fact `innerErrors`: "Code: message; Code: message" (the outer message if none). */
  readonly innerErrors?: boolean;
}

/** The deploy targets (src/targets/): a rule scoped to one is considered only for that target's failures. */
export type TargetName = 'local' | 'azure';

export interface TaxonomyRule {
  readonly id: ClassId;
  /** The target whose failures this rule classifies; absent: shared by every target. */
  readonly target?: TargetName;
  /** Short human words for the `Detected:` line: "port conflict". */
  readonly title: string;
  readonly match: RuleMatch;
  readonly facts?: RuleFacts;
  /** The one repair this rule allows, or null. Guards in the machines decide whether it applies. */
  readonly repair: RepairId | null;
  /**
   * What to do by hand. `{fact}` is replaced by the fact's value, `{fact|fallback}` by the value or
   * the fallback text; an unknown fact without fallback is removed and the sentence tidied.
   * `[[ … ]]` is an optional segment, dropped whole when a placeholder inside it has no value.
   */
  readonly remediation: string;
  /** Anchor in the user docs: 'recovery.md#local-port-conflict'. */
  readonly docs: string;
  /** Optional upstream documentation link. */
  readonly link?: string;
  /**
   * Messages as users meet them. Rendered in the docs and checked by the unit tests: each example,
   * sent from the rule's first source with its first code and status, classifies as this rule's id.
   */
  readonly examples: readonly string[];
  /** One line for the docs when the rule needs explaining (refinements, proactive codes). */
  readonly note?: string;
}
