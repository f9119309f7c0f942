export {
  startFreshdeskDouble,
  type FreshdeskDouble,
  type FreshdeskDoubleOptions,
  type FreshdeskLoggedRequest,
} from './start-freshdesk-double';
export type { FreshdeskFaultSpec } from './faults';
export type {
  AddConversationInput,
  AddTicketInput,
  AttachmentInput,
  AttachmentRecord,
  ConversationRecord,
  PersonRecord,
  TicketRecord,
} from './model';
export { generatedBytes, generatedBytesMd5 } from './attachment-bytes';
