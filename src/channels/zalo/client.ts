/**
 * A small typed client for the Zalo Bot Platform API over plain axios (there is no official
 * Node SDK worth depending on). Every method is a JSON POST to `<apiRoot>/bot<token>/<method>`.
 * Zalo may report an error with HTTP 200, so the client branches on the envelope's `ok`, and it
 * retries only what can succeed later: 429, 5xx and network failures.
 */
import { setTimeout as sleep } from "node:timers/promises";
import axios, { type AxiosInstance } from "axios";
import { z } from "zod";
import { unwrapZaloBody } from "./event.js";

export const ZALO_API_ROOT = "https://bot-api.zaloplatforms.com";

/** Anything the Zalo client throws. */
export class ZaloError extends Error {
  override name = "ZaloError";
  constructor(
    message: string,
    readonly method: string,
  ) {
    super(message);
  }
}

/**
 * Zalo answered `ok:false` (with HTTP 200 or an error status). The docs' error table ("Bảng mã
 * lỗi"): 400 bad request (wrong path or method), 401 token invalid, 403 **internal server error**
 * (sic: not "forbidden"), 404 invalid access request, 408 timeout, 429 quota exceeded; plus 5xx.
 */
export class ZaloApiError extends ZaloError {
  override name = "ZaloApiError";
  constructor(
    method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`Zalo ${method} failed: ${errorCode} ${description}`, method);
  }
}

/** The request never got an answer (connection refused, reset, timeout). */
export class ZaloNetworkError extends ZaloError {
  override name = "ZaloNetworkError";
  constructor(
    method: string,
    readonly code: string,
  ) {
    super(`Zalo ${method} unreachable: ${code}`, method);
  }
}

/** Zalo answered something that is not the documented shape; retrying would not change it. */
export class ZaloInvalidResponseError extends ZaloError {
  override name = "ZaloInvalidResponseError";
  constructor(
    method: string,
    readonly problem: string,
  ) {
    super(`Zalo ${method} answered an unexpected shape: ${problem}`, method);
  }
}

/** Error codes after which the same request may succeed: the docs' 403 (internal server error), 408 (timeout), 429 (quota), 5xx. */
export const RETRYABLE_ZALO_CODES: ReadonlySet<number> = new Set([403, 408, 429]);

/** Whether waiting and asking again can help (per the docs' error table, see ZaloApiError). */
export function isRetryableZaloError(err: unknown): boolean {
  if (err instanceof ZaloNetworkError) return true;
  if (err instanceof ZaloApiError) return RETRYABLE_ZALO_CODES.has(err.errorCode) || err.errorCode >= 500;
  return false;
}

export interface ZaloClientOptions {
  token: string;
  /** Default the official host; tests point it at a local fake. */
  apiRoot?: string;
  /** Extra attempts after the first for retryable failures (default 3). The outbound worker passes 0: it retries itself. */
  retries?: number;
  /** First backoff delay (default 500 ms), doubled each attempt, with ±25 % jitter. */
  baseDelayMs?: number;
  /** Backoff ceiling (default 8 s). */
  maxDelayMs?: number;
  /** Per-request timeout (default 10 s; getUpdates adds its long-poll time). */
  timeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Overrides the client's retries for this call. */
  retries?: number;
}

const envelopeSchema = z.looseObject({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.coerce.number().optional(),
  description: z.string().optional(),
});

const idSchema = z.union([z.string(), z.number()]).transform(String);
export const botInfoSchema = z.looseObject({
  id: idSchema,
  account_name: z.string().optional(),
  account_type: z.string().optional(),
  can_join_groups: z.boolean().optional(),
});
export const webhookInfoSchema = z.looseObject({ url: z.string(), updated_at: z.coerce.number().optional() });
export const sentMessageSchema = z.looseObject({ message_id: idSchema, date: z.coerce.number().optional() });

export type ZaloBotInfo = z.infer<typeof botInfoSchema>;
export type ZaloWebhookInfo = z.infer<typeof webhookInfoSchema>;
export type ZaloSentMessage = z.infer<typeof sentMessageSchema>;

/**
 * @example
 * const zalo = new ZaloClient({ token: config.zalo.token, apiRoot: config.zalo.apiRoot });
 * await zalo.sendMessage({ chat_id: "6ede9afa66b88fe6d6a9", text: "Kính chào quý anh/chị" });
 */
export class ZaloClient {
  private readonly http: AxiosInstance;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;

  constructor(private readonly opts: ZaloClientOptions) {
    this.retries = opts.retries ?? 3;
    this.baseDelayMs = opts.baseDelayMs ?? 500;
    this.maxDelayMs = opts.maxDelayMs ?? 8_000;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.http = axios.create({
      baseURL: `${(opts.apiRoot ?? ZALO_API_ROOT).replace(/\/$/, "")}/bot${opts.token}/`,
      headers: { "content-type": "application/json" },
      // Every status is read as an envelope: the branch is on `ok`, not on HTTP.
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  getMe(opts?: CallOptions): Promise<ZaloBotInfo> {
    return this.call("getMe", {}, botInfoSchema, opts);
  }

  /** Points Zalo at our webhook; `secret_token` (8–256 characters) comes back in `X-Bot-Api-Secret-Token`. */
  setWebhook(params: { url: string; secret_token: string }, opts?: CallOptions): Promise<ZaloWebhookInfo> {
    return this.call("setWebhook", params, webhookInfoSchema, opts);
  }

  /** Needed before polling: getUpdates does not work while a webhook is set. */
  deleteWebhook(opts?: CallOptions): Promise<ZaloWebhookInfo> {
    return this.call("deleteWebhook", {}, webhookInfoSchema, opts);
  }

  getWebhookInfo(opts?: CallOptions): Promise<ZaloWebhookInfo> {
    return this.call("getWebhookInfo", {}, webhookInfoSchema, opts);
  }

  /**
   * Long-polls for ONE update (Zalo returns a single update, not a list, and takes no offset), as
   * raw JSON. An idle poll (error 408) resolves to null instead of throwing.
   */
  async getUpdates(params: { timeout: number }, opts?: CallOptions): Promise<unknown> {
    try {
      const result = await this.call("getUpdates", { timeout: String(params.timeout) }, z.unknown(), {
        ...opts,
        timeoutMs: this.timeoutMs + params.timeout * 1_000,
      });
      const unwrapped = unwrapZaloBody(result);
      const first = Array.isArray(unwrapped) ? unwrapped[0] : unwrapped;
      // Returned unvalidated: an update taken from Zalo cannot be fetched again, so the caller reads
      // whatever shape it has (zaloEventToInbound) instead of this throwing it away.
      return first ?? null;
    } catch (err) {
      if (err instanceof ZaloApiError && err.errorCode === 408) return null;
      throw err;
    }
  }

  sendMessage(params: { chat_id: string; text: string }, opts?: CallOptions): Promise<ZaloSentMessage> {
    return this.call("sendMessage", params, sentMessageSchema, opts);
  }

  /** `photo` is an image URL Zalo fetches itself. */
  sendPhoto(
    params: { chat_id: string; photo: string; caption?: string },
    opts?: CallOptions,
  ): Promise<ZaloSentMessage> {
    return this.call("sendPhoto", params, sentMessageSchema, opts);
  }

  /** Shows "typing…"; the answer is only `{ok:true}`. */
  async sendChatAction(
    params: { chat_id: string; action: "typing" | "upload_photo" },
    opts?: CallOptions,
  ): Promise<void> {
    await this.call("sendChatAction", params, z.unknown(), opts);
  }

  private async call<S extends z.ZodType>(
    method: string,
    params: object,
    schema: S,
    opts: CallOptions & { timeoutMs?: number } = {},
  ): Promise<z.infer<S>> {
    const retries = opts.retries ?? this.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(method, params, schema, opts);
      } catch (err) {
        if (attempt >= retries || !isRetryableZaloError(err) || opts.signal?.aborted) throw err;
        await sleep(this.backoff(attempt), undefined, { signal: opts.signal }).catch(() => {});
        if (opts.signal?.aborted) throw err;
      }
    }
  }

  /** Exponential backoff with ±25 % jitter, so many senders hit by one 429 do not retry in lockstep. */
  private backoff(attempt: number): number {
    return Math.min(this.baseDelayMs * 2 ** attempt, this.maxDelayMs) * (0.75 + Math.random() * 0.5);
  }

  private async once<S extends z.ZodType>(
    method: string,
    params: object,
    schema: S,
    opts: CallOptions & { timeoutMs?: number },
  ): Promise<z.infer<S>> {
    let res;
    try {
      res = await this.http.post(method, params, {
        timeout: opts.timeoutMs ?? this.timeoutMs,
        signal: opts.signal,
      });
    } catch (err) {
      // Never surface axios's error as is: its config carries the URL, and the URL carries the token.
      const code = axios.isAxiosError(err) ? (err.code ?? "ERR_NETWORK") : "ERR_UNKNOWN";
      throw new ZaloNetworkError(method, code);
    }
    const envelope = envelopeSchema.safeParse(res.data);
    if (!envelope.success) {
      // A proxy's HTML error page or an empty 502: the HTTP status is all there is.
      if (res.status >= 400) throw new ZaloApiError(method, res.status, `HTTP ${res.status}`);
      throw new ZaloInvalidResponseError(method, "not a Zalo envelope");
    }
    const e = envelope.data;
    if (!e.ok)
      throw new ZaloApiError(
        method,
        e.error_code ?? (res.status >= 400 ? res.status : 400),
        e.description ?? "",
      );
    const result = schema.safeParse(e.result);
    if (!result.success)
      throw new ZaloInvalidResponseError(
        method,
        result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    return result.data;
  }
}
