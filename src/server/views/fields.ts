// Form errors that name their field: the field is marked (aria-invalid) and
// the message sits next to it, tied by aria-describedby, while the form keeps
// what was typed.
import { html, raw, type Html } from './html.js';

export class FieldError extends Error {
  /** `field` is the form field's name; '' for an error of the whole form. */
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }

  static from(err: unknown): FieldError {
    if (err instanceof FieldError) return err;
    return new FieldError('', err instanceof Error ? err.message : String(err));
  }
}

const errorId = (field: string) => `error-${field.replace(/[^\w-]/g, '_')}`;

/** Attributes for an input: marked invalid and described by its message when the error is its own. */
export function invalid(error: FieldError | null, field: string): Html | '' {
  if (!error || error.field !== field) return '';
  return raw(`aria-invalid="true" aria-describedby="${errorId(field)}"`) as Html;
}

export function fieldError(error: FieldError | null, field: string): Html | '' {
  if (!error || error.field !== field) return '';
  return html`<span class="field-error" id="${errorId(field)}">${error.message}</span>` as Html;
}
