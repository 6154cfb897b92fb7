// Slows down guessing at the login form: after `maxFailures` failed logins from one client address
// within `windowMs`, further attempts from it are refused until the oldest failure ages out.
// In memory and per process: it limits online guessing, it is not an account lock-out.
export interface LoginLimiter {
  /** Milliseconds until this client may try again, or 0 if it may try now. */
  retryAfterMs(client: string): number;
  recordFailure(client: string): void;
  recordSuccess(client: string): void;
}

const maxClientsTracked = 10_000;

export function loginLimiter(maxFailures: number, windowMs: number, clock: () => number = () => performance.now()): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (client: string) => (failures.get(client) ?? []).filter((at) => at > clock() - windowMs);
  return {
    retryAfterMs: (client) => {
      const times = recent(client);
      return times.length < maxFailures ? 0 : times[times.length - maxFailures]! + windowMs - clock();
    },
    recordFailure: (client) => {
      const times = [...recent(client), clock()];
      failures.delete(client);
      failures.set(client, times);
      if (failures.size > maxClientsTracked) failures.delete(failures.keys().next().value!);
    },
    recordSuccess: (client) => void failures.delete(client),
  };
}
