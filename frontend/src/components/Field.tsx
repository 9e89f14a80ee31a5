import type { ChangeEvent, FormEvent, InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';
import { FieldErrors } from './FieldErrors';

/** What every labelled field takes: the control's id, its label, and the server's messages for it. */
interface FieldProps {
  id: string;
  label: ReactNode;
  /** The wrapper's classes (`field` unless told). */
  className?: string;
  /** The server's messages for this field; the control is marked invalid while there are any. */
  errors?: string[];
  /** The id of the error list; without it no list is rendered (e.g. filters). */
  errorsId?: string;
  /** Placed after the control, before the hint and the errors (e.g. a datalist). */
  after?: ReactNode;
  /** A hint under the control (`<p className="hint">`), which describes it. */
  hint?: ReactNode;
  /** The hint's id (`${id}-hint` unless told). */
  hintId?: string;
  /** Called with the new value; an alternative to `onChange`. */
  onValue?: (value: string) => void;
}

/** The control's aria-invalid and aria-describedby (hint, then errors); explicit props win. */
function describedBy(errors: string[] | undefined, errorsId: string | undefined, hintId: string | undefined) {
  return {
    'aria-invalid': errors ? true : undefined,
    'aria-describedby': [hintId, errors ? errorsId : undefined].filter(Boolean).join(' ') || undefined,
  } as const;
}

/** What follows the control: `after`, the hint, the error list. */
function Below({ after, hint, hintId, errors, errorsId }: Omit<FieldProps, 'id' | 'label'>) {
  return (
    <>
      {after}
      {hint !== undefined ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {errorsId ? <FieldErrors id={errorsId} messages={errors} /> : null}
    </>
  );
}

/** A labelled `<input>` with its hint and the server's errors for it underneath. */
export function TextField({
  id,
  label,
  className = 'field',
  errors,
  errorsId,
  after,
  hint,
  hintId = hint !== undefined ? `${id}-hint` : undefined,
  onValue,
  ...input
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'className'>) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        {...describedBy(errors, errorsId, hintId)}
        {...(onValue ? { onChange: (e: ChangeEvent<HTMLInputElement>) => onValue(e.target.value) } : {})}
        {...input}
      />
      <Below after={after} hint={hint} hintId={hintId} errors={errors} errorsId={errorsId} />
    </div>
  );
}

export type Option = string | number | { value: string | number; label: ReactNode };

/** A labelled `<select>`: an optional first "" option (`empty`), the `options`, then any children. */
export function SelectField({
  id,
  label,
  className = 'field',
  errors,
  errorsId,
  after,
  hint,
  hintId = hint !== undefined ? `${id}-hint` : undefined,
  onValue,
  empty,
  options = [],
  children,
  ...select
}: FieldProps & {
  empty?: ReactNode;
  options?: readonly Option[];
} & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'className'>) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        {...describedBy(errors, errorsId, hintId)}
        {...(onValue ? { onChange: (e: ChangeEvent<HTMLSelectElement>) => onValue(e.target.value) } : {})}
        {...select}
      >
        {empty !== undefined ? <option value="">{empty}</option> : null}
        {options.map((o) =>
          typeof o === 'object' ? (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ) : (
            <option key={o} value={o}>
              {o}
            </option>
          ),
        )}
        {children}
      </select>
      <Below after={after} hint={hint} hintId={hintId} errors={errors} errorsId={errorsId} />
    </div>
  );
}

/**
 * The filter form above a list: a search landmark unless `search` is false; Enter does nothing unless
 * `onSubmit` says otherwise.
 */
export function FilterBar({
  label,
  search = true,
  onSubmit = (e) => e.preventDefault(),
  children,
  end,
}: {
  label: string;
  search?: boolean;
  onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
  /** Put last, at the end of the row (e.g. the "Download CSV" button). */
  end?: ReactNode;
}) {
  return (
    <form className="filters" role={search ? 'search' : undefined} aria-label={label} onSubmit={onSubmit}>
      {children}
      {end ? <div className="field field-end">{end}</div> : null}
    </form>
  );
}

/** `errors` and `errorsId` for the field `field` of the form whose ids start with `prefix`. */
export function errorsOf(errors: Record<string, string[]>, prefix: string, field: string) {
  return { errors: errors[field], errorsId: `${prefix}-${field}-errors` };
}
