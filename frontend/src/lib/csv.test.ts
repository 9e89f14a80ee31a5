import { describe, expect, it } from 'vitest';
import { csvCell, csvDecimal, csvFileName, toCsv, type CsvColumn } from './csv';

describe('csvCell', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1', "'+1"],
    ['-2+3', "'-2+3"],
    ['@cmd', "'@cmd"],
    ['\tx', "'\tx"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
  ])('neutralises a text cell that would start a formula: %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('quotes commas, quotes and line breaks', () => {
    expect(csvCell('Doe, Jane')).toBe('"Doe, Jane"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
  });

  it('keeps numbers numeric, negative ones included', () => {
    expect(csvCell(-12.5)).toBe('-12.5');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(Number.NaN)).toBe('');
  });

  it('writes empty cells for missing values and true/false for flags', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(false)).toBe('false');
  });
});

describe('toCsv', () => {
  it('writes a header and one CRLF-terminated line per row', () => {
    type Row = { email: string; active: boolean; id: number };
    const columns: CsvColumn<Row>[] = [
      { header: 'id', value: (r) => r.id },
      { header: 'email', value: (r) => r.email },
      { header: 'active', value: (r) => r.active },
    ];
    const csv = toCsv(columns, [
      { id: 1, email: 'ana+finops@corp.com', active: true },
      { id: 2, email: '=cmd|calc', active: false },
    ]);
    expect(csv).toBe("id,email,active\r\n1,ana+finops@corp.com,true\r\n2,'=cmd|calc,false\r\n");
  });

  it('writes only the header for an empty list', () => {
    expect(toCsv([{ header: 'a', value: () => 1 }], [])).toBe('a\r\n');
  });
});

describe('csvFileName', () => {
  it('names the file after the list and the day', () => {
    expect(csvFileName('users', new Date('2025-11-27T10:00:00Z'))).toBe('users-2025-11-27.csv');
  });
});

describe('decimal cells', () => {
  it('writes API decimals exactly, as numbers', () => {
    expect(csvCell(csvDecimal('1234.50'))).toBe('1234.50');
    expect(csvCell(csvDecimal('9999999999999999.99'))).toBe('9999999999999999.99');
    expect(csvCell(csvDecimal('-5.00'))).toBe('-5.00');
  });

  it('treats a decimal that is not a number as text', () => {
    expect(csvCell(csvDecimal('=1+1'))).toBe("'=1+1");
  });
});
