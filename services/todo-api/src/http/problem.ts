/** One invalid field: a JSON pointer into the request and what is wrong with it. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** An RFC 9457 problem the error middleware renders as application/problem+json. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export const badRequest = (detail: string, errors?: readonly FieldError[]) => new HttpProblem(400, 'Bad Request', detail, errors);
export const unauthorized = (detail: string) => new HttpProblem(401, 'Unauthorized', detail, undefined, { 'WWW-Authenticate': 'Bearer' });
export const notFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
