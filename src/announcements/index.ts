/** Announcements to subscribers: subscriptions, composing and sending, and the admin pages. */
export {
  createSubscriptions,
  followToSubscription,
  type Subscriptions,
  type SubscriptionState,
} from "./subscriptions.js";
export { createSubscriptionPlugin, SUBSCRIBE_COMMAND, UNSUBSCRIBE_COMMAND } from "./conversation.js";
export {
  announcementProgress,
  cancelAnnouncement,
  createAnnouncement,
  startSending,
  type Progress,
} from "./announcements.js";
export { AnnouncementDispatcher } from "./dispatcher.js";
export { AnnouncementNotFoundError, resendUncertain, type ResendOutcome } from "./resend.js";
export { createAnnouncementRoutes } from "./admin-routes.js";
export { TOPICS, type Topic } from "./topics.js";
