import { useRef, useState, type FormEvent } from 'react';
import { useImportUsers } from './hooks';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { ErrorNotice, SuccessNotice } from '../../components/ErrorNotice';
import { UploadProblems } from '../../components/RowErrorsTable';
import type { CsvColumn } from '../../lib/csv';
import { rowErrors } from '../../lib/problem';

const TEMPLATE_COLUMNS: CsvColumn<string[]>[] = ['email', 'name', 'role', 'password'].map((header, i) => ({
  header,
  value: (row: string[]) => row[i],
}));
const TEMPLATE_ROWS = [['ana+finops@example.com', 'Ana Example', 'product_owner', '']];

export function ImportUsersForm() {
  const upload = useImportUsers();
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
    <form className="card" onSubmit={submit} aria-labelledby="import-users-title">
      <h2 id="import-users-title">Upload users from a CSV file</h2>
      <p className="hint" id="import-users-hint">
        Columns <code>email,name,role</code> and optionally <code>password</code>; the header is row 1. Roles
        use their codes (e.g. <code>product_owner</code>). The file is loaded all or nothing: if any row is
        wrong, nobody is created and every problem is listed.
      </p>
      <div className="field">
        <label htmlFor="import-users-file">CSV file</label>
        <input
          id="import-users-file"
          ref={input}
          type="file"
          accept=".csv,text/csv"
          required
          aria-describedby="import-users-hint"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <div className="actions">
        <button type="submit" disabled={!file || upload.isPending}>
          {upload.isPending ? 'Uploading…' : 'Upload users'}
        </button>
        <DownloadCsvButton
          list="users-template"
          columns={TEMPLATE_COLUMNS}
          rows={() => TEMPLATE_ROWS}
          label="Download a template"
        />
      </div>
      {upload.isSuccess ? (
        <SuccessNotice>
          Created {upload.data.created} user{upload.data.created === 1 ? '' : 's'} from {fileName}.
        </SuccessNotice>
      ) : null}
      <ErrorNotice error={upload.error} prefix={`${fileName || 'The file'} was rejected`} />
      <UploadProblems problems={problems} fileName={fileName} list="user-import-errors" />
    </form>
  );
}
