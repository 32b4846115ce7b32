// Upload wire format: the multipart request and the reading of Strava's
// Upload object into the engine's UploadStatus.
import type { UploadRequest, UploadStatus } from '../sync/ports.js';

export interface StravaUpload {
  id?: number | string | null;
  id_str?: string | null;
  external_id?: string | null;
  error?: string | null;
  status?: string | null;
  activity_id?: number | string | null;
}

export const UPLOAD_STATUS = {
  processing: 'Your activity is still being processed.',
  ready: 'Your activity is ready.',
  error: 'There was an error processing your activity.',
  deleted: 'The created activity has been deleted.',
} as const;

const DUPLICATE = /duplicate of activity (\d+)/;

export function buildUploadForm(request: UploadRequest): FormData {
  const form = new FormData();
  // Strava names the activity's external_id after the file when none is sent;
  // we send it explicitly and name the file the same way for good measure.
  const blob = new Blob([request.bytes], { type: 'application/octet-stream' });
  form.set('file', blob, `${request.externalId}.${request.format}`);
  form.set('data_type', request.format);
  form.set('external_id', request.externalId);
  form.set('name', request.name);
  if (request.description !== undefined) form.set('description', request.description);
  form.set('sport_type', request.sportType);
  form.set('trainer', request.trainer ? '1' : '0');
  if (request.hideFromHome) form.set('hide_from_home', 'true');
  return form;
}

/**
 * Success is a non-null activity_id and nothing else: a null error with the
 * "deleted" status is a failure (seen in 2026), and "duplicate of activity N"
 * means the workout is already on Strava.
 */
export function toUploadStatus(upload: StravaUpload): UploadStatus {
  const uploadId = String(upload.id_str ?? upload.id ?? '');
  const error = upload.error ?? null;
  if (upload.activity_id !== null && upload.activity_id !== undefined && !error) {
    return { kind: 'ready', uploadId, activityId: String(upload.activity_id) };
  }
  if (error) {
    const dup = DUPLICATE.exec(error);
    if (dup) return { kind: 'duplicate', uploadId, activityId: dup[1] ?? null, message: error };
    return { kind: 'error', uploadId, message: error };
  }
  if (upload.status === UPLOAD_STATUS.deleted) return { kind: 'error', uploadId, message: upload.status };
  if (upload.status === UPLOAD_STATUS.error) return { kind: 'error', uploadId, message: upload.status };
  return { kind: 'processing', uploadId };
}

/** Strava sometimes reports a duplicate already at submission, as a 400 Fault or plain text. */
export function duplicateInText(text: string): string | null {
  const m = DUPLICATE.exec(text);
  return m ? (m[1] ?? null) : null;
}
