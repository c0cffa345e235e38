/**
 * What the acting routes (console, lab runs) throw when they will not do what was asked: one line
 * for the learner, and the HTTP status the route answers with (as a LiveRefusal body).
 */
export class ActionRefusal extends Error {
  constructor(
    message: string,
    /** 400 bad input, 403 not allowed, 404 no such thing, 409 busy, 503 the broker cannot be had. */
    readonly status: 400 | 403 | 404 | 409 | 503 = 403,
  ) {
    super(message);
    this.name = 'ActionRefusal';
  }
}
