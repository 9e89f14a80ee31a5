import { useImportUsers } from './hooks';
import { DownloadCsvButton } from '../../components/DownloadCsvButton';
import { UploadForm } from '../../components/UploadForm';
import type { CsvColumn } from '../../lib/csv';

const TEMPLATE_COLUMNS: CsvColumn<string[]>[] = ['email', 'name', 'role', 'password'].map((header, i) => ({
  header,
  value: (row: string[]) => row[i],
}));
const TEMPLATE_ROWS = [['ana+finops@example.com', 'Ana Example', 'product_owner', '']];

export function ImportUsersForm() {
  return (
    <UploadForm
      id="import-users"
      title="Upload users from a CSV file"
      hint={
        <>
          Columns <code>email,name,role</code> and optionally <code>password</code>; the header is row 1.
          Roles use their codes (e.g. <code>product_owner</code>). The file is loaded all or nothing: if any
          row is wrong, nobody is created and every problem is listed.
        </>
      }
      fileLabel="CSV file"
      accept=".csv,text/csv"
      required
      submitLabel="Upload users"
      pendingLabel="Uploading…"
      upload={useImportUsers()}
      success={(data, fileName) =>
        `Created ${data.created} user${data.created === 1 ? '' : 's'} from ${fileName}.`
      }
      errorPrefix={(fileName) => `${fileName || 'The file'} was rejected`}
      errorWithRowErrors
      problemsList="user-import-errors"
      actions={
        <DownloadCsvButton
          list="users-template"
          columns={TEMPLATE_COLUMNS}
          rows={() => TEMPLATE_ROWS}
          label="Download a template"
        />
      }
    />
  );
}
