/**
 * Due dates: ISO 8601 on the wire, local time in the UI. How a due is written is
 * services/shared/due-format.ts (shared with the assistant).
 */

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** ISO instant → value for <input type="datetime-local"> in the browser's time zone. */
export function toDateTimeLocal(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** <input type="datetime-local"> value → ISO instant; '' → null; malformed → undefined. */
export function fromDateTimeLocal(value: string): string | null | undefined {
  if (value.trim() === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (date.getMonth() !== Number(mo) - 1 || date.getDate() !== Number(d)) return undefined;
  return date.toISOString();
}

/** Due and not done yet. */
export function isOverdue(dueAt: string | null, completed: boolean, now: Date): boolean {
  return !completed && dueAt !== null && new Date(dueAt).getTime() < now.getTime();
}
