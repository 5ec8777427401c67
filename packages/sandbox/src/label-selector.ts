// The apimachinery label selector language (k8s.io/apimachinery/pkg/labels/selector.go): lexer, parser,
// validation and matching, with the same error texts, since the apiserver returns them verbatim in a 400.

import { qualifiedNameErrors, labelValueErrors } from './validation.js';

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export class LabelSelectorError extends Error {}

type Token =
  | 'error' | 'eos' | 'closedPar' | 'comma' | 'doesNotExist' | 'doubleEquals' | 'equals' | 'greaterThan'
  | 'identifier' | 'in' | 'lessThan' | 'notEquals' | 'notIn' | 'openPar';

const literalTokens: Record<string, Token> = {
  ')': 'closedPar', ',': 'comma', '!': 'doesNotExist', '==': 'doubleEquals', '=': 'equals', '>': 'greaterThan',
  in: 'in', '<': 'lessThan', '!=': 'notEquals', notin: 'notIn', '(': 'openPar',
};

const isWhitespace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isSpecialSymbol = (c: string) => '=!(),><'.includes(c);

interface ScannedItem {
  token: Token;
  literal: string;
}

function lex(input: string): ScannedItem[] {
  const items: ScannedItem[] = [];
  let position = 0;
  for (;;) {
    while (position < input.length && isWhitespace(input[position]!)) position++;
    if (position >= input.length) {
      items.push({ token: 'eos', literal: '' });
      return items;
    }
    if (isSpecialSymbol(input[position]!)) {
      // Longest run of special symbols that still forms a known token ("!=" but not "!(").
      let buffer = '';
      let last: ScannedItem | undefined;
      while (position < input.length && isSpecialSymbol(input[position]!)) {
        buffer += input[position];
        const token = literalTokens[buffer];
        if (token) {
          last = { token, literal: buffer };
          position++;
        } else if (last) {
          break;
        } else {
          position++;
        }
      }
      items.push(last ?? { token: 'error', literal: `error expected: keyword found '${buffer}'` });
    } else {
      let buffer = '';
      while (position < input.length && !isSpecialSymbol(input[position]!) && !isWhitespace(input[position]!)) buffer += input[position++];
      items.push({ token: literalTokens[buffer] ?? 'identifier', literal: buffer });
    }
  }
}

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

/** Go's field.Invalid(path, value, detail).Error(). A nil path prints as `<nil>`, which the parser really shows. */
const invalidValue = (path: string, value: string, detail: string) => `${path}: Invalid value: ${JSON.stringify(value)}: ${detail}`;

class Parser {
  private position = 0;

  constructor(private readonly items: ScannedItem[]) {}

  // In the Values context `in` and `notin` are ordinary identifiers (a label may be called "in").
  private lookahead(valuesContext: boolean): ScannedItem {
    const item = this.items[this.position]!;
    if (valuesContext && (item.token === 'in' || item.token === 'notIn')) return { token: 'identifier', literal: item.literal };
    return item;
  }

  private consume(valuesContext: boolean): ScannedItem {
    const item = this.lookahead(valuesContext);
    this.position++;
    return item;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const { token, literal } = this.lookahead(true);
      if (token === 'identifier' || token === 'doesNotExist') {
        try {
          requirements.push(this.parseRequirement());
        } catch (error) {
          if (error instanceof LabelSelectorError) throw new LabelSelectorError(`unable to parse requirement: ${error.message}`);
          throw error;
        }
        const next = this.consume(true);
        if (next.token === 'eos') return requirements;
        if (next.token === 'comma') {
          const after = this.lookahead(true);
          if (after.token !== 'identifier' && after.token !== 'doesNotExist') {
            throw new LabelSelectorError(`found '${after.literal}', expected: identifier after ','`);
          }
        } else {
          throw new LabelSelectorError(`found '${next.literal}', expected: ',' or 'end of string'`);
        }
      } else if (token === 'eos') {
        return requirements;
      } else {
        throw new LabelSelectorError(`found '${literal}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let item = this.consume(true);
    let operator: LabelOperator | undefined;
    if (item.token === 'doesNotExist') {
      operator = '!';
      item = this.consume(true);
    }
    if (item.token !== 'identifier') throw new LabelSelectorError(`found '${item.literal}', expected: identifier`);
    const key = item.literal;
    const keyErrors = qualifiedNameErrors(key);
    if (keyErrors.length > 0) throw new LabelSelectorError(invalidValue('<nil>', key, keyErrors.join('; ')));
    const next = this.lookahead(true).token;
    if (next === 'eos' || next === 'comma') operator ??= 'exists';
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, []);

    const operatorItem = this.consume(false);
    const operators: Partial<Record<Token, LabelOperator>> = {
      in: 'in', equals: '=', doubleEquals: '==', greaterThan: 'gt', lessThan: 'lt', notIn: 'notin', notEquals: '!=',
    };
    const binary = operators[operatorItem.token];
    if (!binary) throw new LabelSelectorError(`found '${operatorItem.literal}', expected: ${binaryOperators}`);
    const values = binary === 'in' || binary === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, binary, [...values].sort());
  }

  private parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.token !== 'openPar') throw new LabelSelectorError(`found '${open.literal}' expected: '('`);
    const { token, literal } = this.lookahead(true);
    if (token === 'identifier' || token === 'comma') {
      const values = this.parseIdentifiersList();
      if (this.consume(true).token !== 'closedPar') throw new LabelSelectorError(`found '${literal}', expected: ')'`);
      return values;
    }
    if (token === 'closedPar') {
      this.consume(true);
      return new Set(['']);
    }
    throw new LabelSelectorError(`found '${literal}', expected: ',', ')' or identifier`);
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { token, literal } = this.consume(true);
      if (token === 'identifier') {
        values.add(literal);
        const next = this.lookahead(true);
        if (next.token === 'comma') continue;
        if (next.token === 'closedPar') return values;
        throw new LabelSelectorError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token === 'comma') {
        // "(,", ",)" and ",," each stand for an empty value.
        if (values.size === 0) values.add('');
        const next = this.lookahead(true).token;
        if (next === 'closedPar') {
          values.add('');
          return values;
        }
        if (next === 'comma') {
          this.consume(true);
          values.add('');
        }
      } else {
        throw new LabelSelectorError(`found '${literal}', expected: ',', or identifier`);
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead(true).token;
    if (next === 'eos' || next === 'comma') return new Set(['']);
    const { token, literal } = this.consume(true);
    if (token === 'identifier') return new Set([literal]);
    throw new LabelSelectorError(`found '${literal}', expected: identifier`);
  }
}

/** NewRequirement's checks; several problems are reported together like utilerrors.Aggregate. */
function newRequirement(key: string, operator: LabelOperator, values: string[]): LabelRequirement {
  const errors: string[] = [];
  const goList = `[]string{${values.map((v) => JSON.stringify(v)).join(', ')}}`;
  if ((operator === 'in' || operator === 'notin') && values.length === 0) {
    errors.push(`values: Invalid value: ${goList}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if ((operator === '=' || operator === '==' || operator === '!=') && values.length !== 1) {
    errors.push(`values: Invalid value: ${goList}: exact-match compatibility requires one single value`);
  }
  if (operator === 'gt' || operator === 'lt') {
    if (values.length !== 1) errors.push(`values: Invalid value: ${goList}: for 'Gt', 'Lt' operators, exactly one value is required`);
    values.forEach((value, i) => {
      if (!/^[-+]?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
        errors.push(invalidValue(`values[${i}]`, value, "for 'Gt', 'Lt' operators, the value must be an integer"));
      }
    });
  }
  values.forEach((value, i) => {
    const valueErrors = labelValueErrors(value);
    if (valueErrors.length > 0) errors.push(invalidValue(`values[${i}][${key}]`, value, valueErrors.join('; ')));
  });
  if (errors.length === 1) throw new LabelSelectorError(errors[0]);
  if (errors.length > 1) throw new LabelSelectorError(`[${errors.join(', ')}]`);
  return { key, operator, values };
}

/** Parses a selector string; the empty string selects everything. Throws LabelSelectorError with Go's text. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return new Parser(lex(selector)).parse();
}

function requirementMatches(requirement: LabelRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, requirement.key);
  const value = has ? labels[requirement.key]! : undefined;
  switch (requirement.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'gt':
    case 'lt': {
      if (value === undefined || !/^[-+]?\d+$/.test(value)) return false;
      const actual = Number(value);
      const bound = Number(requirement.values[0]);
      return requirement.operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

export function matchesLabelSelector(requirements: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  return requirements.every((requirement) => requirementMatches(requirement, labels));
}
