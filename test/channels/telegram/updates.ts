/**
 * Telegram updates as Telegram sends them, for the tests, and a poster that calls the webhook the
 * way Telegram does (JSON body, secret header).
 */
let nextUpdateId = 100_000 + Math.floor(Math.random() * 1_000_000);
let nextMessageId = 1;

export const SECRET = "s3cret-s3cret";

export function user(id: number, extra: Record<string, unknown> = {}) {
  return { id, is_bot: false, first_name: "Lan", language_code: "vi", ...extra };
}

export function textUpdate(chatId: number, text: string, extra: Record<string, unknown> = {}) {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Lan" },
      from: user(chatId),
      text,
      ...extra,
    },
  };
}

export function callbackUpdate(
  chatId: number,
  data: string,
  messageId = 42,
  chatType = "private",
  fromId = chatId,
) {
  return {
    update_id: nextUpdateId++,
    callback_query: {
      id: `cq${nextUpdateId}`,
      from: user(fromId),
      chat_instance: "ci",
      data,
      message: {
        message_id: messageId,
        date: Math.floor(Date.now() / 1000),
        chat: { id: chatId, type: chatType },
        text: "question",
      },
    },
  };
}

export function photoUpdate(chatId: number) {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private" },
      from: user(chatId),
      photo: [
        { file_id: "small", file_unique_id: "s", width: 90, height: 90, file_size: 1_000 },
        { file_id: "large", file_unique_id: "l", width: 1280, height: 960, file_size: 120_000 },
        { file_id: "medium", file_unique_id: "m", width: 320, height: 240, file_size: 12_000 },
      ],
    },
  };
}

export function documentUpdate(
  chatId: number,
  document: { file_id: string; file_name?: string; mime_type?: string; file_size?: number },
  extra: Record<string, unknown> = {},
) {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private" },
      from: user(chatId),
      document: { file_unique_id: `u${document.file_id}`, ...document },
      ...extra,
    },
  };
}

/** A message in a group (`chatId` negative), from `fromId`, optionally with entities or a reply. */
export function groupTextUpdate(
  chatId: number,
  fromId: number,
  text: string,
  extra: Record<string, unknown> = {},
) {
  return {
    update_id: nextUpdateId++,
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "supergroup", title: "Tổ công nghệ số cộng đồng" },
      from: user(fromId),
      text,
      ...extra,
    },
  };
}

/** Walks the nomination to its evidence step (Telegram, with buttons). */
export async function walkToEvidence(u: TelegramUser): Promise<void> {
  await u.say("/decu");
  await u.press(/./);
  await u.press(/doanh nghiệp|hợp tác xã/i);
  await u.say("Hợp tác xã Chè Xanh");
  await u.say("bỏ qua");
  await u.say("Hàm Yên");
  await u.say("Ứng dụng truy xuất nguồn gốc bằng mã QR cho toàn bộ sản phẩm chè của hợp tác xã.");
}

/** A unique private chat id per test, so assertions on one chat never see another test's calls. */
let nextChat = 5_000_000 + Math.floor(Math.random() * 1_000_000);
export function newChatId(): number {
  return nextChat++;
}

/** `secret: null` sends no secret header at all. */
export function postUpdate(
  baseUrl: string,
  update: unknown,
  secret: string | null = SECRET,
  contentType = "application/json",
): Promise<Response> {
  const headers: Record<string, string> = { "content-type": contentType };
  if (secret !== null) headers["x-telegram-bot-api-secret-token"] = secret;
  return fetch(`${baseUrl}/webhooks/telegram`, {
    method: "POST",
    headers,
    body: typeof update === "string" ? update : JSON.stringify(update),
  });
}

/**
 * A Telegram user driving the real system through the webhook: types text, presses the buttons
 * of the bot's last keyboard, sends photos, and reads what the bot sent back (from the fake).
 */
export class TelegramUser {
  readonly chatId = newChatId();
  private seen = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly fake: import("../../support/fake-telegram.js").FakeTelegram,
  ) {}

  /** Sends a text and returns the texts of the bot's replies. */
  async say(text: string, settleMs = 400): Promise<string[]> {
    return this.deliver(textUpdate(this.chatId, text), settleMs);
  }

  /** Presses the button whose label matches (on the latest message that has buttons). */
  async press(label: RegExp, settleMs = 400): Promise<string[]> {
    const { messageId, data } = this.button(label);
    return this.deliver(callbackUpdate(this.chatId, data, messageId), settleMs);
  }

  /** The callback_data and message of a button, for pressing it again later. */
  button(label: RegExp): { messageId: number; data: string } {
    const withKeyboard = this.fake
      .callsOf("sendMessage", this.chatId)
      .filter(
        (c) => (c.body.reply_markup as { inline_keyboard?: unknown[] } | undefined)?.inline_keyboard?.length,
      );
    const last = withKeyboard.at(-1);
    if (!last) throw new Error("no message with buttons");
    const buttons = (
      last.body.reply_markup as { inline_keyboard: Array<Array<{ text: string; callback_data: string }>> }
    ).inline_keyboard.flat();
    // Choices too long for a button are listed in full in the message, the buttons carry their
    // numbers: a person reads the list and presses the number.
    const listed = String(last.body.text ?? "")
      .split("\n")
      .map((l) => /^(\d+)\. (.*)$/.exec(l))
      .find((m) => m && label.test(m[2]!));
    const b =
      buttons.find((x) => label.test(x.text)) ??
      (listed ? buttons.find((x) => x.text === listed[1]) : undefined);
    if (!b) throw new Error(`no button ${label} among ${buttons.map((x) => x.text).join(", ")}`);
    return { messageId: (last.result as { message_id: number }).message_id, data: b.callback_data };
  }

  async pressAgain(button: { messageId: number; data: string }, settleMs = 400): Promise<string[]> {
    return this.deliver(callbackUpdate(this.chatId, button.data, button.messageId), settleMs);
  }

  async sendPhoto(settleMs = 400): Promise<string[]> {
    return this.deliver(photoUpdate(this.chatId), settleMs);
  }

  async deliver(update: unknown, settleMs = 400): Promise<string[]> {
    const res = await postUpdate(this.baseUrl, update);
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    const before = this.seen;
    const deadline = Date.now() + 10_000;
    while (this.fake.callsOf("sendMessage", this.chatId).length === before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, settleMs));
    const all = this.fake.callsOf("sendMessage", this.chatId);
    this.seen = all.length;
    return all.slice(before).map((c) => String(c.body.text));
  }
}
