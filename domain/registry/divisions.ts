/**
 * Division codes nest by prefix (GB/T 2260): province 22xxxx, city 2201xx, county 220102.
 * A division's prefix selects every county inside it: the list filters use it, and access scopes will.
 */
export function divisionPrefix(code: string): string {
  if (code.endsWith('0000')) return code.slice(0, 2);
  if (code.endsWith('00')) return code.slice(0, 4);
  return code;
}
