import type { YearRead } from '../client';

/** Picks one of the defined fiscal years (newest first). */
export function YearSelect({
  id,
  years,
  value,
  onChange,
  label = 'Year',
}: {
  id: string;
  years: readonly YearRead[];
  value: number | null;
  onChange: (year: number) => void;
  label?: string;
}) {
  const sorted = [...years].sort((a, b) => b.year - a.year);
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))}>
        {value === null ? (
          <option value="" disabled>
            Choose a year
          </option>
        ) : null}
        {sorted.map((y) => (
          <option key={y.year} value={y.year}>
            {y.year}
          </option>
        ))}
      </select>
    </div>
  );
}
