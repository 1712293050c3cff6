// The demo organisation's story: how active and how mature each unit is, week by week. The Jira, GitHub and
// MLflow generators all read it, so the three tools tell one consistent history. Deterministic: the same seed
// and anchor give the same history, byte for byte.

export type Trajectory = 'improving' | 'flat' | 'declining' | 'new-halfway';

/** Each unit's trajectory (units not listed are `flat`). `pricing-insights` has no MLflow binding at all. */
export const DEMO_TRAJECTORIES: Readonly<Record<string, Trajectory>> = {
  'pod:recsys': 'improving',
  'pod:support-bot': 'improving',
  'pod:demand-forecast': 'improving',
  'pod:fraud-detection': 'improving',
  'pod:genai-assistant': 'improving',
  'pod:personalised-search': 'declining',
  'pod:risk-scoring': 'declining',
  'pod:visual-design-ai': 'declining',
  'network:mlops': 'improving',
  'network:computer-vision': 'declining',
  'lab:generative-ai': 'improving',
  'lab:ai-product-design': 'new-halfway',
  steering: 'improving',
};

/** Weeks of history the demo serves (the product backfills 26 weekly snapshots; 52 gives a full year window). */
export const DEMO_HISTORY_WEEKS = 52;
export const DEMO_SEED = 20261123;
/** Weeks over which the trajectories play out: the 26 weekly snapshots `radar demo` backfills. */
export const TREND_WEEKS = 26;

/** The Monday 00:00 UTC on or before `now`: the end of the demo history, so scores are current whenever run. */
export function demoAnchor(now: Date): Date {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const dow = (d.getUTCDay() + 6) % 7; // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow);
  return d;
}

/**
 * How mature a unit behaves in week `week` (0 = oldest, weeks-1 = newest), in 0..1. Generators turn it into
 * counts (more runs, faster reviews, more governance tags). Returns 0 for a `new-halfway` unit before it starts.
 */
export function maturityAt(unitRef: string, week: number, weeks: number = DEMO_HISTORY_WEEKS): number {
  // The story unfolds over the last TREND_WEEKS weeks (what the demo backfills and charts); the weeks before hold
  // the starting level, so the first snapshots' 90- and 180-day windows see a steady history, not a ramp.
  const span = Math.min(weeks, TREND_WEEKS);
  const t = span <= 1 ? 1 : Math.min(1, Math.max(0, (week - (weeks - span)) / (span - 1)));
  switch (DEMO_TRAJECTORIES[unitRef] ?? 'flat') {
    case 'improving':
      return 0.12 + 0.83 * t;
    case 'declining':
      return 0.9 - 0.65 * t;
    case 'new-halfway':
      return t < 0.5 ? 0 : 0.3 + 0.5 * (t - 0.5) * 2;
    case 'flat':
    default:
      return 0.5;
  }
}

/** Small, fast, seedable PRNG (mulberry32); returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Derives a stable sub-seed from a string (unit ref, repo name), so each unit's stream is independent. */
export function seedFor(base: number, key: string): number {
  let h = base ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A Poisson-ish count with the given mean, from a PRNG (Knuth for small means, normal approx above 30). */
export function countWithMean(rand: () => number, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * (rand() + rand() + rand() - 1.5) * 2));
  const l = Math.exp(-mean);
  let k = 0;
  let p = 1;
  do {
    k++;
    p *= rand();
  } while (p > l);
  return k - 1;
}

/**
 * Fake people for the sandboxes: realistic-looking logins, names and emails so the privacy tests can prove none
 * of them leaks into stored data. Each pod has a stable roster sized from its role mix.
 */
export function demoPeople(unitId: string, size: number): { login: string; name: string; email: string; accountId: string }[] {
  const first = ['ana', 'bo', 'chen', 'dara', 'eli', 'fatima', 'gus', 'hana', 'ivan', 'jo', 'kemal', 'lin', 'mo', 'nia', 'omar', 'pia'];
  const last = ['silva', 'berg', 'wong', 'okafor', 'novak', 'haddad', 'meyer', 'tanaka', 'ruiz', 'kowalski'];
  const rand = seededRandom(seedFor(DEMO_SEED, `people:${unitId}`));
  return Array.from({ length: Math.max(1, size) }, (_, i) => {
    const f = first[Math.floor(rand() * first.length)] as string;
    const l = last[Math.floor(rand() * last.length)] as string;
    const login = `${f}-${l}-${unitId.slice(0, 4)}${i}`;
    return {
      login,
      name: `${f[0]?.toUpperCase()}${f.slice(1)} ${l[0]?.toUpperCase()}${l.slice(1)}`,
      email: `${login}@acme.example`,
      accountId: `5f${seedFor(7, login).toString(16).padStart(8, '0')}${i}`,
    };
  });
}

/**
 * The day each `new-halfway` unit of the demo started (its first active week, 13 weeks before the anchor): the demo
 * sets it as the unit's `since`, so its windows are clipped to the days it existed instead of reading as zeros.
 */
export function demoUnitSince(anchor: Date): Record<string, string> {
  const firstWeek = Math.ceil(DEMO_HISTORY_WEEKS - TREND_WEEKS + (TREND_WEEKS - 1) / 2);
  const day = new Date(anchor.getTime() - (DEMO_HISTORY_WEEKS - firstWeek) * 7 * 86_400_000).toISOString().slice(0, 10);
  return Object.fromEntries(Object.entries(DEMO_TRAJECTORIES).filter(([, t]) => t === 'new-halfway').map(([ref]) => [ref, day]));
}
