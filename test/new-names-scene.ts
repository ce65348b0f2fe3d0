/**
 * A short scene with two names the default model has never seen (Vexbuzzard, Quillamine), each
 * typed a few times: what learning what is typed (dynamic evaluation) should pick up.
 */
export const SCENE = `DUKE VEXBUZZARD:
Where is the Lady Quillamine? Send for the Lady Quillamine,
And bid her come to Vexbuzzard's hall anon.

QUILLAMINE:
My lord of Vexbuzzard, I am here; what would Vexbuzzard have?

DUKE VEXBUZZARD:
That Quillamine should sing, for Vexbuzzard is sad.

QUILLAMINE:
Then Quillamine shall sing, and Vexbuzzard be merry.

DUKE VEXBUZZARD:
Sing, Quillamine; sing to Vexbuzzard.`;
