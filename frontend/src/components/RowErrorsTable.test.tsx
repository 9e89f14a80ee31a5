import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RowErrorsTable } from './RowErrorsTable';

const rows = (html: string) =>
  [...html.matchAll(/<tr><td class="num">(.*?)<\/td><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) =>
    m.slice(1),
  );

describe('RowErrorsTable', () => {
  it('renders one line per error, whole-file errors included', () => {
    const html = renderToStaticMarkup(
      <RowErrorsTable
        caption="3 problems in users.csv"
        errors={[
          { row: null, column: null, message: 'byte 7 is not valid UTF-8' },
          { row: 3, column: 'email', message: "'a@x.com' appears twice (first on row 2)" },
          { row: 4, column: 'role', message: "unknown role 'superuser'" },
        ]}
      />,
    );
    expect(html).toContain('<caption>3 problems in users.csv</caption>');
    expect(rows(html)).toEqual([
      ['whole file', '—', 'byte 7 is not valid UTF-8'],
      ['3', 'email', '&#x27;a@x.com&#x27; appears twice (first on row 2)'],
      ['4', 'role', 'unknown role &#x27;superuser&#x27;'],
    ]);
  });

  it('renders nothing when there is no error', () => {
    expect(renderToStaticMarkup(<RowErrorsTable caption="x" errors={[]} />)).toBe('');
  });
});
