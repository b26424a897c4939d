// GitHub API failures as one line a PR author can act on: which call, the HTTP status, and for rate limits when
// they reset. Never the request URL (a codeload redirect carries a token) and never a header.

interface RequestErrorLike {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
}

export class GitHubApiError extends Error {
  override name = 'GitHubApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

function githubMessage(error: RequestErrorLike): string | undefined {
  const data = error.response?.data as { message?: unknown } | undefined;
  const message = typeof data?.message === 'string' ? data.message : undefined;
  return message?.split('\n')[0]?.slice(0, 200);
}

export function describeApiError(what: string, error: unknown): GitHubApiError {
  if (error instanceof GitHubApiError) return error;
  const e = (error ?? {}) as RequestErrorLike;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const headers = e.response?.headers ?? {};
  let detail: string;
  if (
    (status === 403 || status === 429) &&
    (headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(e.message ?? ''))
  ) {
    const reset = Number(headers['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0
        ? `; it resets at ${new Date(reset * 1000).toISOString().slice(11, 16)} UTC`
        : '';
    detail = `HTTP ${status}: the GitHub API rate limit is exhausted${when}`;
  } else if (status !== undefined) {
    const message = githubMessage(e);
    detail = `HTTP ${status}${message ? ` ${message}` : ''}`;
  } else {
    detail = (e.message ?? String(error)).split('\n')[0]!.replace(/https?:\/\/\S+/g, '<url>');
  }
  return new GitHubApiError(`GitHub API: ${what} failed (${detail})`, status, { cause: error });
}

/** Runs one API call and rethrows its failure as a GitHubApiError naming `what`. */
export async function call<T>(what: string, request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    throw describeApiError(what, error);
  }
}
