/**
 * Per-shape scratch buffers, made on first use and kept: the heap is a bump allocator, and a
 * model sees only a handful of shapes (training batch, validation batch, priming chunk, one step).
 */
export class Workspaces<W> {
  private readonly byShape = new Map<string, W>();

  constructor(private readonly make: (batch: number, time: number) => W) {}

  get(batch: number, time: number): W {
    const key = `${batch}x${time}`;
    let w = this.byShape.get(key);
    if (!w) {
      w = this.make(batch, time);
      this.byShape.set(key, w);
    }
    return w;
  }
}
