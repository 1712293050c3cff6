import { demoAnchor } from '/work/i14b/shared/sandbox/demo/profile.ts';
import { runSyncBench } from '/work/i14b/test/bench/sync.ts';
const r = await runSyncBench({ pods: Number(process.env.BENCH_PODS ?? 40), reposPerPod: 2, weeks: 52, anchor: demoAnchor(new Date()) }, (l) => console.log(l), '/tmp/i14b-acts.jsonl');
for (const f of r.figures) console.log(JSON.stringify(f));
console.log(JSON.stringify((r.detail as { githubPoints: unknown }).githubPoints));
await r.close();
