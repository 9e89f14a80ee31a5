import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNotice, SuccessNotice } from './ErrorNotice';
import { UploadProblems } from './RowErrorsTable';
import { rowErrors } from '../lib/problem';

/** What an upload form needs of a file mutation (a react-query `useMutation` over a `File`). */
export interface FileUpload<T> {
  mutate: (file: File, options?: { onSuccess?: () => void }) => void;
  isPending: boolean;
  error: unknown;
  data: T | undefined;
}

interface Props<T> {
  /** Prefix of the form's element ids (`<id>-title`, `<id>-hint`, `<id>-file`). */
  id: string;
  title: string;
  hint: ReactNode;
  fileLabel: string;
  accept: string;
  required?: boolean;
  submitLabel: string;
  pendingLabel: string;
  upload: FileUpload<T>;
  /** The success notice's text for the uploaded data and the file's name. */
  success: (data: T, fileName: string) => ReactNode;
  /** The error notice's prefix, given the file's name ('' before the first upload). */
  errorPrefix: (fileName: string) => string;
  /** Keep the error notice when the problem lists row errors (they say it all otherwise). */
  errorWithRowErrors?: boolean;
  /** The row errors' list name (for its CSV download). */
  problemsList: string;
  /** More buttons next to the submit button. */
  actions?: ReactNode;
}

/** A card with one file input, all or nothing: the server's row errors are listed in a table,
 * the input clears after a successful upload. */
export function UploadForm<T>(props: Props<T>) {
  const { id, upload } = props;
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [fileName, setFileName] = useState('');
  const problems = rowErrors(upload.error);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!file) return;
    setFileName(file.name);
    upload.mutate(file, {
      onSuccess: () => {
        setFile(null);
        if (input.current) input.current.value = '';
      },
    });
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <p className="hint" id={`${id}-hint`}>
        {props.hint}
      </p>
      <div className="field">
        <label htmlFor={`${id}-file`}>{props.fileLabel}</label>
        <input
          id={`${id}-file`}
          ref={input}
          type="file"
          accept={props.accept}
          required={props.required}
          aria-describedby={`${id}-hint`}
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? props.pendingLabel : props.submitLabel}
        </button>
        {props.actions}
      </div>
      {upload.data !== undefined ? (
        <SuccessNotice>{props.success(upload.data, fileName)}</SuccessNotice>
      ) : null}
      {problems.length === 0 || props.errorWithRowErrors ? (
        <ErrorNotice error={upload.error} prefix={props.errorPrefix(fileName)} />
      ) : null}
      <UploadProblems problems={problems} fileName={fileName} list={props.problemsList} />
    </form>
  );
}
