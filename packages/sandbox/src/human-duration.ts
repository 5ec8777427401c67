// duration.HumanDuration from k8s.io/apimachinery, which the apiserver uses for the AGE cell of server-side
// tables. The CLI keeps its own copy in src/lease: the sandbox must not share code with what it tests.

const plural = (value: number, unit: string) => `${value}${unit}`;

export function humanDuration(milliseconds: number): string {
  const seconds = Math.trunc(milliseconds / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return plural(seconds, 's');
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? plural(minutes, 'm') : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return plural(minutes, 'm');
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? plural(hours, 'h') : `${hours}h${m}m`;
  }
  if (hours < 48) return plural(hours, 'h');
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? plural(Math.trunc(hours / 24), 'd') : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return plural(Math.trunc(hours / 24), 'd');
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? plural(years, 'y') : `${years}y${days}d`;
  }
  return plural(Math.trunc(hours / 24 / 365), 'y');
}
