import { isBridgeNote } from '../render/bridge-notes';
import type { Conversation } from '../render/model';

/** Conversations to copy: not the bridge's own notes, oldest first (ties by id). */
export function selectConversationsToCopy(conversations: Conversation[]): Conversation[] {
  return conversations
    .filter((c) => !isBridgeNote(c))
    .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id);
}
