/**
 * A small typed client for the Zalo OA Open API over plain axios. Every call carries the header
 * `access_token`; Zalo reports errors as `{"error": N, "message": …}` usually with HTTP 200, so
 * the client reads the envelope, never the status alone. A token Zalo calls invalid or expired
 * (-216/-220) is refreshed once and the call retried once.
 */
import axios, { type AxiosInstance } from "axios";
import { OaApiError, OaNetworkError } from "./errors.js";
import type { OaTokens } from "./tokens.js";

export const ZALO_OA_API_ROOT = "https://openapi.zalo.me";

/** A consultation message body (`message` of /v3.0/oa/message/cs). */
export interface OaMessage {
  text?: string;
  attachment?: OaAttachment;
  quote_message_id?: string;
}

export type OaButton =
  | { title: string; type: "oa.query.hide" | "oa.query.show"; payload: string }
  | { title: string; type: "oa.open.url"; payload: { url: string } };

export type OaAttachment =
  | { type: "template"; payload: { buttons: OaButton[] } }
  | {
      type: "template";
      payload: {
        template_type: "media";
        elements: Array<{ media_type: "image"; attachment_id?: string; url?: string }>;
      };
    }
  | { type: "file"; payload: { token: string } };

/** What /v3.0/oa/quota/message says about one user (epoch ms; absent fields are unknown). */
export interface OaQuota {
  lastInteraction?: number;
  raw: Record<string, unknown>;
}

export interface OaClientOptions {
  apiRoot?: string;
  tokens: Pick<OaTokens, "accessToken" | "afterRejection">;
  timeoutMs?: number;
}

/**
 * @example
 * const oa = new OaClient({ apiRoot: config.zaloOa.apiRoot, tokens });
 * await oa.sendCs("2468013579", { text: "Kính chào quý anh/chị" });
 */
export class OaClient {
  private readonly http: AxiosInstance;

  constructor(private readonly opts: OaClientOptions) {
    this.http = axios.create({
      baseURL: (opts.apiRoot ?? ZALO_OA_API_ROOT).replace(/\/$/, ""),
      timeout: opts.timeoutMs ?? 15_000,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** A consultation (reply) message; returns Zalo's message id. */
  async sendCs(userId: string, message: OaMessage): Promise<string> {
    const data = await this.call("/v3.0/oa/message/cs", { recipient: { user_id: userId }, message });
    return String((data as { message_id?: unknown } | undefined)?.message_id ?? "");
  }

  /**
   * A reply to an anonymous user (no user id; the conversation is addressed by its two ids).
   * Zalo documents anonymous replies only on the v2 message API (facts sheet §4, uncertain).
   */
  async sendAnonymous(anonymousId: string, conversationId: string, text: string): Promise<void> {
    await this.call("/v2.0/oa/message", {
      recipient: { anonymous_id: anonymousId, conversation_id: conversationId },
      message: { text },
    });
  }

  /** The consultation quota and the user's last interaction, asked before a late message. */
  async quota(userId: string): Promise<OaQuota> {
    const data = ((await this.call("/v3.0/oa/quota/message", { user_id: userId })) ?? {}) as Record<
      string,
      unknown
    >;
    const last = Number(data.last_interaction ?? data.lastInteraction);
    return { ...(Number.isFinite(last) && last > 0 ? { lastInteraction: last } : {}), raw: data };
  }

  /** Uploads a JPEG/PNG (≤ 1 MB) for a `media` template; returns its attachment_id (valid 7 days). */
  async uploadImage(bytes: Buffer, mime: string, fileName = "image.jpg"): Promise<string> {
    const data = await this.call("/v2.0/oa/upload/image", () => {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(bytes)], { type: mime }), fileName);
      return form;
    });
    const id = (data as { attachment_id?: unknown } | undefined)?.attachment_id;
    if (typeof id !== "string" || !id)
      throw new OaApiError("/v2.0/oa/upload/image", 0, "no attachment_id in the answer");
    return id;
  }

  /** One API call with the token dance: on -216/-220 refresh once, retry once. */
  private async call(path: string, body: unknown | (() => FormData)): Promise<unknown> {
    let token = await this.opts.tokens.accessToken();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(path, typeof body === "function" ? (body as () => FormData)() : body, token);
      } catch (err) {
        if (attempt === 1 && err instanceof OaApiError && err.handling === "refresh") {
          token = await this.opts.tokens.afterRejection(token);
          continue;
        }
        throw err;
      }
    }
  }

  private async once(path: string, body: unknown, token: string): Promise<unknown> {
    let res;
    try {
      res = await this.http.post(path, body, {
        headers: {
          access_token: token,
          ...(body instanceof FormData ? {} : { "content-type": "application/json" }),
        },
      });
    } catch (err) {
      throw new OaNetworkError(path, (err as { code?: string }).code ?? (err as Error).message);
    }
    if (res.status >= 500 || res.status === 429) throw new OaNetworkError(path, `HTTP ${res.status}`);
    const env = res.data as { error?: unknown; message?: unknown; data?: unknown } | undefined;
    if (!env || typeof env !== "object" || env.error === undefined)
      throw new OaApiError(path, 0, `unexpected answer (HTTP ${res.status})`);
    const code = Number(env.error);
    if (code !== 0)
      throw new OaApiError(path, Number.isFinite(code) ? code : 0, String(env.message ?? "").slice(0, 300));
    return env.data;
  }
}
