/**
 * What a platform channel contributes to the system: its outbound adapter, its webhook router,
 * and optional background work (long polling in development).
 */
import type { Router } from "express";
import type { ChannelAdapter } from "./types.js";

export interface ChannelModule {
  adapter: ChannelAdapter;
  /** Mounted at `/webhooks/<name>` when present. */
  webhook?: Router;
  /** Extra HTTP routes mounted at "/" (e.g. the web chat page). */
  routes?: Router;
  /** Background work for role web (e.g. polling); started once, stopped on shutdown. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
