/**
 * A limit on submissions beyond the per-person daily one, decided by the channel a message came
 * through (the web chat counts per client address). The engine asks before a flow starts and
 * reserves a slot around the submission, releasing it when the submission does not happen.
 */
import type { InboundMessage } from "../channels/types.js";

export interface QuotaRefusal {
  key: string;
  vars?: Record<string, string | number>;
}

export interface SubmissionQuota {
  /** Whether `msg`'s client may start a flow that ends in a submission; a refusal to show, or undefined. */
  check(msg: InboundMessage): Promise<QuotaRefusal | undefined>;
  /** Takes one submission slot for `msg`'s client; `refused` when none is left. Call `release` if the submission then fails. */
  reserve(msg: InboundMessage): Promise<{ refused?: QuotaRefusal; release(): Promise<void> }>;
}
