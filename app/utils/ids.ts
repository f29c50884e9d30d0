/** Whether a path or form value has the shape of a row id (a UUID), checked before it reaches a query. */
export function isUuid(value: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(value);
}
