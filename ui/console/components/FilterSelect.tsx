/** A list toolbar's filter: a labelled select of `options`, after "All …" (`all`), which is no filter (null). */
export function FilterSelect<V extends string>({
  id,
  label,
  all,
  value,
  options,
  labelOf,
  onChange,
}: {
  id: string;
  label: string;
  all: string;
  value: V | null;
  options: readonly V[];
  labelOf(option: V): string;
  onChange(value: string | null): void;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{all}</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {labelOf(option)}
          </option>
        ))}
      </select>
    </>
  );
}
