/**
 * What the plugged-in modules contributed, gathered in one place: the engine looks a flow's hooks,
 * a command, a code's status lookup or the evidence store up here and never imports a domain module.
 */
import type {
  AfterSubmitHook,
  AnswerHandler,
  ChoiceSource,
  CommandSpec,
  ConversationPlugin,
  EvidenceStore,
  FallbackAnswerer,
  FlowHooks,
  PersonContext,
  StatusLookup,
  SubmissionLine,
  Withdrawal,
} from "./extensions.js";
import type { LoadedFlow } from "./flow-schema.js";

/** @example const registry = new PluginRegistry(flows); registry.use(createSelfReportPlugin({ indicators })) */
export class PluginRegistry {
  readonly hooks = new Map<string, FlowHooks>();
  readonly commands = new Map<string, CommandSpec>();
  readonly lookups = new Map<string, StatusLookup>();
  readonly withdrawals = new Map<string, Withdrawal>();
  readonly submissionLists: Array<(ctx: PersonContext) => Promise<SubmissionLine[]>> = [];
  /** Asked in order when the plan declines a question (see FallbackAnswerer). */
  readonly fallbacks: FallbackAnswerer[] = [];
  evidence?: EvidenceStore;
  readonly answers = new Map<string, AnswerHandler>();
  readonly afterSubmits: AfterSubmitHook[] = [];
  readonly choiceSources = new Map<string, ChoiceSource>();

  constructor(private readonly flows: Map<string, LoadedFlow>) {}

  /** Adds a plugin's contributions; a later plugin overrides an earlier one's key. */
  use(plugin: ConversationPlugin): void {
    for (const [k, v] of Object.entries(plugin.flowHooks ?? {})) this.hooks.set(k, v);
    for (const [k, v] of Object.entries(plugin.commands ?? {})) this.commands.set(k.toLowerCase(), v);
    for (const [k, v] of Object.entries(plugin.statusLookups ?? {})) this.lookups.set(k.toUpperCase(), v);
    for (const [k, v] of Object.entries(plugin.withdrawals ?? {})) this.withdrawals.set(k.toUpperCase(), v);
    if (plugin.submissions) this.submissionLists.push(plugin.submissions);
    this.fallbacks.push(...(plugin.fallbackAnswerers ?? []));
    if (plugin.evidence) this.evidence = plugin.evidence;
    for (const [k, v] of Object.entries(plugin.answers ?? {})) this.answers.set(k, v);
    if (plugin.afterSubmit) this.afterSubmits.push(plugin.afterSubmit);
    for (const [k, v] of Object.entries(plugin.choiceSources ?? {})) this.choiceSources.set(k, v);
  }

  /** The flow if its submit hooks are registered (a flow nobody can submit is not offered). */
  available(flowId: string): LoadedFlow | undefined {
    const f = this.flows.get(flowId);
    return f && this.hooks.has(f.submit) ? f : undefined;
  }

  /** Flows whose `submit` hooks nobody registered, for a start-up warning. */
  flowsWithoutHooks(): string[] {
    return [...this.flows.values()]
      .filter((f) => !this.hooks.has(f.submit))
      .map((f) => `${f.file} (submit: ${f.submit})`);
  }
}
