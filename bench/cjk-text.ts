/**
 * A stand-in for a Japanese or Chinese workspace: `chars` characters drawn from `distinct` CJK
 * ideographs (U+4E00 on), each of them at least once, the rest skewed towards the first ones as
 * real text is (the cube of a uniform draw), from a fixed seed. Its vocabulary is `distinct` + the
 * unknown id: what makes anything that costs vocabulary × characters explode.
 */
export function cjkText(chars: number, distinct: number, seed = 1): string {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const out: string[] = [];
  for (let i = 0; i < distinct && out.length < chars; i++) out.push(String.fromCodePoint(0x4e00 + i));
  while (out.length < chars) out.push(String.fromCodePoint(0x4e00 + Math.floor(distinct * uniform() ** 3)));
  // The distinct run shuffled into the text, so no stretch of it is all new characters.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join('');
}
