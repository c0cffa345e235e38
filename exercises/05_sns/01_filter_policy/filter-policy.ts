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
 * Whether SNS would deliver `message` to a subscription with this filter policy and scope.
 *
 * This is the guide's model of a filter policy (`Record<string, string[]>`): each attribute must be
 * one of a list of strings. Real SNS policies say much more.
 */
export function matchesFilterPolicy(policy: FilterPolicy, message: PublishedMessage, scope: FilterPolicyScope = 'MessageAttributes'): boolean {
  // TODO: with scope 'MessageBody' the policy applies to the JSON body (nested keys too), not the attributes.
  return Object.entries(policy).every(([name, rules]) => {
    const attribute = message.attributes?.[name];
    // TODO: `exists: false` is the one rule that wants the key to be missing.
    if (!attribute) return false;
    // TODO: compare by type (a Number attribute against numbers, String against strings), read
    // String.Array values as arrays, and support prefix, anything-but, numeric and exists.
    return (rules as Rule[]).some((rule) => String(rule) === attribute.StringValue);
  });
}
