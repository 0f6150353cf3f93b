/**
 * What each platform can show or accept, for the few texts that must differ: Telegram has slash
 * commands (a menu of them, tappable in messages) and buttons; Zalo's bot API has neither (choices
 * are a numbered list typed back, and "/trangthai" is a foreign word there); the web chat and the
 * Official Account show buttons but have no command menu. Words ("trạng thái DC-…", "hủy") work on
 * every channel, so a text that must name a command names words unless the channel has commands.
 */
import type { ChannelName } from "./types.js";

export interface ChannelCapabilities {
  /** Choices render as buttons; otherwise as a numbered list answered by typing its number. */
  buttons: boolean;
  /** The platform has slash commands (a command menu, commands tappable in messages). */
  slashCommands: boolean;
}

const CAPABILITIES: Record<ChannelName, ChannelCapabilities> = {
  telegram: { buttons: true, slashCommands: true },
  webchat: { buttons: true, slashCommands: false },
  zalo: { buttons: false, slashCommands: false },
  // Template buttons (up to five; longer lists are also numbered in the text).
  zalo_oa: { buttons: true, slashCommands: false },
};

/** @example capabilitiesOf("zalo").buttons // false */
export function capabilitiesOf(channel: ChannelName): ChannelCapabilities {
  return CAPABILITIES[channel];
}
