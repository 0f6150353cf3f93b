/**
 * Who a conversation belongs to. In a private chat, the chat; in a group, one person within it —
 * two members of a group never share a flow, and nothing personal is asked in front of the group.
 * (The private chat id equals the user id on Telegram and on Zalo, which is what lets a group
 * member be answered privately later.)
 */
import type { InboundMessage } from "../channels/types.js";
import type { Kit, Turn } from "./context.js";

/** Whether the message came from a group chat. */
export function inGroup(msg: InboundMessage): boolean {
  return msg.chatType === "group";
}

/** The key of the session: the chat, or the group and the member. */
export function sessionChatKey(msg: InboundMessage): string {
  return inGroup(msg) ? `${msg.chatId}~${msg.userId}` : msg.chatId;
}

/** The chat where the person can be reached privately (for notifications about their submissions). */
export function privateChatIdOf(msg: InboundMessage): string {
  return inGroup(msg) ? msg.userId : msg.chatId;
}

/**
 * In a group, personal data is never asked for: the person is sent to a private chat, with a
 * deep link where the platform has one (Telegram opens `t.me/<bot>?start=<start>`, which starts
 * that flow there; Zalo only shows the text asking to message the assistant directly).
 *
 * @example if (inGroup(turn.msg)) return sendToPrivateChat(k, turn, "nomination");
 */
export function sendToPrivateChat(k: Pick<Kit, "t">, turn: Turn, start = "menu"): void {
  turn.replies.push({
    text: k.t(turn, "conversation.group.private_only"),
    openPrivate: { label: k.t(turn, "conversation.group.open_private"), start },
  });
}
