// The archive room's errors: what is wrong with a file is the file's own
// failure (the rest of an import goes on), and a file over a budget says
// which limit it met and how to raise it.
import { overLimitMessage, type InputLimits } from '../core/limits.js';
import { BandsyncError } from '../sync/failures.js';

export function fileInvalid(where: string, reason: string): BandsyncError {
  return new BandsyncError('source_file_invalid', `${where}: ${reason}`);
}

/** A missing or wrong password is the user's to fix, not damage: the next pass reads the entry again. */
export function passwordProblem(where: string, reason: string): BandsyncError {
  return new BandsyncError('source_password', `${where}: ${reason}`);
}

export function overLimit(where: string, what: string, name: keyof InputLimits, limits: InputLimits): BandsyncError {
  return new BandsyncError('source_over_limit', overLimitMessage(where, what, name, limits[name]));
}
