/**
 * Ids ordered by descending score, ties by ascending id, so top-k and top-p cut at a
 * reproducible place. A full sort: V is a character vocabulary (~100), where a partial
 * selection would not pay for itself.
 */
export function rankIds(scores: ArrayLike<number>): number[] {
  const ids = Array.from({ length: scores.length }, (_, i) => i);
  // ±Infinity ties subtract to NaN, which is falsy, so they also fall back to id order.
  return ids.sort((a, b) => scores[b] - scores[a] || a - b);
}
