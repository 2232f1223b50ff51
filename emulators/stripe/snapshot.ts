/** Deep copy through JSON: yields plain objects, exactly what a client would parse from the wire. */
export function snapshot<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
