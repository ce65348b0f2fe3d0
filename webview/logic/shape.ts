/** Throws unless `values` holds exactly `[time, hidden]` (row-major) with whole, non-negative sizes. */
export function checkShape(values: ArrayLike<number>, time: number, hidden: number): void {
  if (!(Number.isInteger(time) && time >= 0 && Number.isInteger(hidden) && hidden >= 0)) {
    throw new RangeError(`bad shape [${time}, ${hidden}]`);
  }
  if (values.length !== time * hidden) {
    throw new RangeError(`${values.length} values for [${time}, ${hidden}]`);
  }
}
