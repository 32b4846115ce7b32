// Each sync state in words: the badge says what it is, the meaning says what
// it means for the person (and is what lists and the workout page show).
import type { SyncState } from '../../sync/states.js';
import { html, type Html } from './html.js';

const WORDS: Record<SyncState, { label: string; meaning: string }> = {
  discovered: { label: 'Not uploaded yet', meaning: 'Found in the source; not on Strava yet.' },
  fetched: { label: 'Ready to upload', meaning: 'Read from the source; waits for the next upload.' },
  converted: { label: 'Ready to upload', meaning: 'Converted to a file; waits for the next upload.' },
  uploading: { label: 'Uploading', meaning: 'Being sent to Strava.' },
  processing: { label: 'Strava is processing', meaning: 'Strava received the file and is processing it.' },
  synced: { label: 'On Strava', meaning: 'Uploaded and on Strava.' },
  duplicate: {
    label: 'Already on Strava',
    meaning: 'Strava already had this activity (recorded another way); nothing was uploaded.',
  },
  skipped: { label: 'Skipped', meaning: 'Not uploaded, on purpose.' },
  failed: { label: 'Failed', meaning: 'The upload failed.' },
  needs_user: { label: 'Needs you', meaning: 'Waiting for you to act.' },
};

export function stateLabel(state: SyncState | string): string {
  return WORDS[state as SyncState]?.label ?? state.replace(/_/g, ' ');
}

export function stateMeaning(state: SyncState | string): string {
  return WORDS[state as SyncState]?.meaning ?? '';
}

export function stateBadge(state: SyncState | string): Html {
  return html`<span class="state state-${state}" title="${stateMeaning(state)}">${stateLabel(state)}</span>` as Html;
}
