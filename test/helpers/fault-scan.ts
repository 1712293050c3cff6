import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { buildApiApp } from '../../shared/api/index.js';
import type { UnitRef } from '../../shared/org/index.js';
import { gunzipIfNeeded } from '../../shared/storage/index.js';
import type { RadarStores } from '../../shared/storage/index.js';

// Leak scanning for the secret-canary and privacy tests: every stored DynamoDB item and S3 object decoded to text
// (gzip opened, base64-gzip attributes too), every API response, and a search for needles in all of it.

/** A piece of text and where it came from. */
export interface Scanned {
  where: string;
  text: string;
}

function attributeText(v: AttributeValue): string {
  if (v.S !== undefined) {
    // A large scorecard is kept as base64 gzip in `bodyGz`: open it so its content is scanned too.
    if (/^H4sI[A-Za-z0-9+/=]+$/.test(v.S)) return `${v.S}\n${gunzipIfNeeded(Buffer.from(v.S, 'base64')).toString('utf8')}`;
    return v.S;
  }
  if (v.N !== undefined) return v.N;
  if (v.B !== undefined) return gunzipIfNeeded(v.B).toString('utf8');
  if (v.SS) return v.SS.join('\n');
  if (v.NS) return v.NS.join('\n');
  if (v.L) return v.L.map(attributeText).join('\n');
  if (v.M) return Object.entries(v.M).map(([k, x]) => `${k}=${attributeText(x)}`).join('\n');
  return JSON.stringify(v);
}

/** Every item of the table and every object of the bucket, as text (gzip opened). */
export async function storedTexts(stores: RadarStores, names: { table: string; bucket: string }): Promise<Scanned[]> {
  const out: Scanned[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await stores.clients.dynamodb.send(new ScanCommand({ TableName: names.table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) {
      out.push({ where: `dynamodb ${item.PK?.S ?? ''}|${item.SK?.S ?? ''}`, text: Object.entries(item).map(([k, v]) => `${k}=${attributeText(v)}`).join('\n') });
    }
    start = page.LastEvaluatedKey;
  } while (start);
  let token: string | undefined;
  do {
    const page = await stores.clients.s3.send(new ListObjectsV2Command({ Bucket: names.bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      if (!o.Key) continue;
      const got = await stores.clients.s3.send(new GetObjectCommand({ Bucket: names.bucket, Key: o.Key }));
      const bytes = await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
      out.push({ where: `s3 ${o.Key}`, text: `${o.Key}\n${gunzipIfNeeded(bytes).toString('utf8')}` });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** Every read route of the API (each unit's card and trend included), as the dashboard would call them. */
export async function apiTexts(stores: RadarStores, units: readonly UnitRef[]): Promise<Scanned[]> {
  const app = buildApiApp({ snapshots: stores.snapshots, runs: stores.runs });
  const asOfs = (await stores.snapshots.listAsOfs());
  const paths = [
    '/api/asofs', '/api/org/trend', '/api/units', '/api/units?kind=pod', '/api/movers?kind=all', '/api/runs?limit=100',
    ...units.flatMap((u) => [`/api/units/${encodeURIComponent(u)}`, `/api/units/${encodeURIComponent(u)}/trend`]),
    ...asOfs.flatMap((a) => units.map((u) => `/api/units/${encodeURIComponent(u)}?asOf=${encodeURIComponent(a)}`)),
    '/api/units/pod:does-not-exist', '/api/units/not a unit', '/api/nowhere',
  ];
  const out: Scanned[] = [];
  for (const p of paths) {
    const res = await app.request(p);
    out.push({ where: `api ${p} (${res.status})`, text: await res.text() });
  }
  return out;
}

/** The encodings a credential can take on the wire or in a log: as is, base64 (alone and inside Basic auth), URL-encoded. */
export function secretForms(values: Record<string, string>, pairs: Array<[string, string]>): string[] {
  const forms = new Set<string>();
  for (const v of Object.values(values)) {
    forms.add(v);
    forms.add(Buffer.from(v).toString('base64').replace(/=+$/, ''));
    forms.add(encodeURIComponent(v));
  }
  for (const [user, secret] of pairs) forms.add(Buffer.from(`${user}:${secret}`).toString('base64').replace(/=+$/, ''));
  return [...forms].filter((f) => f.length >= 6);
}

/** Where each needle occurs: `needle @ where`, empty when nothing leaked. */
export function findLeaks(texts: readonly Scanned[], needles: readonly string[]): string[] {
  const hits: string[] = [];
  for (const t of texts) {
    for (const n of needles) {
      const i = t.text.indexOf(n);
      if (i >= 0) hits.push(`${n} @ ${t.where}: …${t.text.slice(Math.max(0, i - 60), i + n.length + 60).replace(/\s+/g, ' ')}…`);
    }
  }
  return hits;
}
