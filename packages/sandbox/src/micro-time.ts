// metav1.MicroTime decoding: Go's time.Parse with layout RFC3339Micro, including its error texts, because the
// apiserver rejects the whole request with them (a 400 before any validation).

export const rfc3339MicroLayout = '2006-01-02T15:04:05.000000Z07:00';

export class TimeParseError extends Error {}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function cannotParse(input: string, valueElement: string, layoutElement: string): TimeParseError {
  return new TimeParseError(
    `parsing time ${JSON.stringify(input)} as ${JSON.stringify(rfc3339MicroLayout)}: cannot parse ${JSON.stringify(valueElement)} as ${JSON.stringify(layoutElement)}`,
  );
}

function outOfRange(input: string, what: string): TimeParseError {
  return new TimeParseError(`parsing time ${JSON.stringify(input)}: ${what} out of range`);
}

const daysInMonth = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * Parses a MicroTime string and re-emits it as the apiserver would: UTC, `Z`, exactly six fractional digits.
 * Throws TimeParseError with Go's message when the string does not fit the layout.
 */
export function normalizeMicroTime(input: string): string {
  let rest = input;
  // Each layout element consumes a prefix of `rest`; errors quote what was left at the element's start.
  const literal = (text: string) => {
    if (!rest.startsWith(text)) throw cannotParse(input, rest, text);
    rest = rest.slice(text.length);
  };
  const fixedNumber = (width: number, element: string, range: [number, number], rangeName: string): number => {
    const digits = rest.slice(0, width);
    if (digits.length < width || ![...digits].every(isDigit)) throw cannotParse(input, rest, element);
    rest = rest.slice(width);
    const value = Number(digits);
    if (value < range[0] || value > range[1]) throw outOfRange(input, rangeName);
    return value;
  };

  const year = fixedNumber(4, '2006', [0, 9999], 'year');
  literal('-');
  const month = fixedNumber(2, '01', [1, 12], 'month');
  literal('-');
  const day = fixedNumber(2, '02', [0, 31], 'day');
  literal('T');
  // Go's "15" accepts one or two digits.
  const hourDigits = isDigit(rest[1]) ? 2 : 1;
  const hour = fixedNumber(isDigit(rest[0]) ? hourDigits : 2, '15', [0, 23], 'hour');
  literal(':');
  const minute = fixedNumber(2, '04', [0, 59], 'minute');
  literal(':');
  const second = fixedNumber(2, '05', [0, 59], 'second');

  const fraction = rest.slice(1, 7);
  if (rest.length < 7 || rest[0] !== '.' && rest[0] !== ',' || ![...fraction].every(isDigit)) {
    throw cannotParse(input, rest, '.000000');
  }
  rest = rest.slice(7);

  let offsetMinutes = 0;
  if (rest.startsWith('Z')) {
    rest = rest.slice(1);
  } else {
    const sign = rest[0];
    const offsetHour = rest.slice(1, 3);
    const offsetMinute = rest.slice(4, 6);
    if (rest.length < 6 || rest[3] !== ':' || ![...offsetHour, ...offsetMinute].every(isDigit) || (sign !== '+' && sign !== '-')) {
      throw cannotParse(input, rest, 'Z07:00');
    }
    if (Number(offsetHour) > 24) throw outOfRange(input, 'time zone offset hour');
    if (Number(offsetMinute) > 60) throw outOfRange(input, 'time zone offset minute');
    offsetMinutes = (Number(offsetHour) * 60 + Number(offsetMinute)) * (sign === '-' ? -1 : 1);
    rest = rest.slice(6);
  }
  if (rest.length > 0) throw new TimeParseError(`parsing time ${JSON.stringify(input)}: extra text: ${JSON.stringify(rest)}`);
  if (day < 1 || day > daysInMonth(year, month)) throw outOfRange(input, 'day');

  // setUTCFullYear keeps years below 100 literal, where Date.UTC would map them to 19xx.
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, 0);
  const utc = new Date(local.getTime() - offsetMinutes * 60_000);
  return utc.toISOString().slice(0, 19) + '.' + fraction + 'Z';
}

/** metav1.Time as the apiserver writes it: RFC 3339, seconds precision, UTC. */
export function formatTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19) + 'Z';
}
