// Mistake: treats a missing attribute as matching anything-but (nothing to exclude), so messages without the key reach a subscription that asked for anything but 'test'.
// Caught by: needs the key to be there: a missing attribute is not "anything but" something
/** A message attribute as SNS's Publish takes it (the same shape as the SDK's MessageAttributeValue). */
export interface AttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
}

export interface PublishedMessage {
  body: string;
  attributes?: Record<string, AttributeValue>;
}

export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

export type Literal = string | number | boolean | null;

export type Rule =
  | Literal
  | { prefix: string }
  | { 'anything-but': Literal | Literal[] | { prefix: string } }
  | { numeric: Array<string | number> }
  | { exists: boolean };

export interface FilterPolicy {
  [key: string]: Rule[] | FilterPolicy;
}

/**
 * The values a policy key sees: `undefined` when the message has no such attribute or property
 * (which only `exists: false` accepts), otherwise every value to try the rules on.
 */
type Values = Literal[] | undefined;

/** Whether SNS would deliver `message` to a subscription with this filter policy and scope. */
export function matchesFilterPolicy(policy: FilterPolicy, message: PublishedMessage, scope: FilterPolicyScope = 'MessageAttributes'): boolean {
  if (scope === 'MessageAttributes') {
    return Object.entries(policy).every(([name, rules]) => {
      if (!Array.isArray(rules)) {
        throw new Error(`The policy nests an object under "${name}": nested policies only work with FilterPolicyScope MessageBody.`);
      }
      return keyMatches(rules, attributeValues(message.attributes?.[name]));
    });
  }
  const body = parseObject(message.body);
  if (body === undefined) return Object.keys(policy).length === 0;
  return leaves(policy).every(([path, rules]) => keyMatches(rules, bodyValues(body, path)));
}

function attributeValues(attribute: AttributeValue | undefined): Values {
  // SNS ignores Binary attributes when filtering: to a policy they are not there.
  if (!attribute || attribute.DataType.startsWith('Binary')) return undefined;
  const text = attribute.StringValue ?? '';
  if (attribute.DataType.startsWith('Number')) return [Number(text)];
  if (attribute.DataType.startsWith('String.Array')) {
    try {
      const parsed: unknown = JSON.parse(text);
      return (Array.isArray(parsed) ? parsed : [parsed]).filter(isLiteral);
    } catch {
      return [];
    }
  }
  return [text];
}

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A nested body policy as [path, rules] pairs: { order: { status: [...] } } → [['order', 'status'], [...]]. */
function leaves(policy: FilterPolicy, path: string[] = []): Array<[string[], Rule[]]> {
  return Object.entries(policy).flatMap(([key, value]) => (Array.isArray(value) ? [[[...path, key], value] as [string[], Rule[]]] : leaves(value, [...path, key])));
}

/** The values at `path`, looking into every element of the arrays on the way, as SNS does. */
function bodyValues(body: Record<string, unknown>, path: string[]): Values {
  let found: unknown[] = [body];
  for (const key of path) {
    found = found
      .flatMap((node) => (Array.isArray(node) ? node : [node]))
      .filter((node): node is Record<string, unknown> => typeof node === 'object' && node !== null && key in node)
      .map((node) => node[key]);
    if (found.length === 0) return undefined;
  }
  return found.flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isLiteral);
}

function isLiteral(value: unknown): value is Literal {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

/** OR: the key matches when any of its rules accepts any of its values. */
function keyMatches(rules: Rule[], values: Values): boolean {
  return rules.some((rule) => ruleMatches(rule, values));
}

function ruleMatches(rule: Rule, values: Values): boolean {
  if (rule === null || typeof rule !== 'object') return values?.some((value) => value === rule) ?? false;
  if ('exists' in rule) return rule.exists === (values !== undefined);
  // Every other operator needs the key to be there: an absent value is not "anything but x".
  if (values === undefined) return 'anything-but' in rule;
  if ('prefix' in rule) return values.some((value) => typeof value === 'string' && value.startsWith(rule.prefix));
  if ('numeric' in rule) return values.some((value) => typeof value === 'number' && inRange(value, rule.numeric));
  if ('anything-but' in rule) {
    const excluded = rule['anything-but'];
    if (excluded !== null && typeof excluded === 'object' && !Array.isArray(excluded)) {
      return values.some((value) => typeof value === 'string' && !value.startsWith(excluded.prefix));
    }
    const list: Literal[] = Array.isArray(excluded) ? excluded : [excluded];
    return values.some((value) => !list.includes(value));
  }
  throw new Error(`Unknown filter policy operator ${JSON.stringify(rule)}: use a value, prefix, anything-but, numeric or exists.`);
}

/** `[">", 0, "<=", 150]`: every comparison must hold. */
function inRange(value: number, comparisons: Array<string | number>): boolean {
  for (let i = 0; i + 1 < comparisons.length; i += 2) {
    const operator = comparisons[i];
    const bound = Number(comparisons[i + 1]);
    const holds =
      operator === '=' ? value === bound : operator === '<' ? value < bound : operator === '<=' ? value <= bound : operator === '>' ? value > bound : operator === '>=' ? value >= bound : false;
    if (!holds) return false;
  }
  return true;
}
