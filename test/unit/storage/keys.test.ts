import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  LATEST_POINTER_KEY,
  activitiesIndexKey,
  activitiesKey,
  activitiesPartitionKey,
  activitiesPrefix,
  activityMonth,
  asOfMarkerKey,
  cursorKey,
  pathSafe,
  rawPageKey,
  rawRunPrefix,
  runIndexKey,
  runKey,
  snapshotGsiKey,
  snapshotKey,
} from '../../../shared/storage/index.js';

describe('DynamoDB keys', () => {
  it('puts a snapshot under its unit partition and as-of sort key', () => {
    expect(snapshotKey('pod:recsys', '2026-11-23')).toEqual({ PK: 'UNIT#pod:recsys', SK: 'SNAP#2026-11-23' });
  });

  it('indexes a snapshot by as-of with the unit as the index sort key', () => {
    expect(snapshotGsiKey('domain:core', '2026-11-23')).toEqual({ GSI1PK: 'ASOF#2026-11-23', GSI1SK: 'domain:core' });
  });

  it('keeps as-of markers in one partition sorted by as-of, apart from the latest pointer', () => {
    expect(asOfMarkerKey('2026-11-23')).toEqual({ PK: 'ASOF', SK: '2026-11-23' });
    expect(LATEST_POINTER_KEY.PK).not.toBe('ASOF');
  });

  it('keys runs by id and indexes them by start time then id', () => {
    expect(runKey('r-1')).toEqual({ PK: 'RUN#r-1', SK: 'RUN' });
    expect(runIndexKey('2026-11-23T06:00:00.000Z', 'r-1')).toEqual({ PK: 'RUNS', SK: '2026-11-23T06:00:00.000Z#r-1' });
  });

  it('keys a cursor by its binding id', () => {
    expect(cursorKey('pod:recsys/github')).toEqual({ PK: 'CURSOR#pod:recsys/github', SK: 'CURSOR' });
  });
});

describe('S3 keys', () => {
  it('turns a binding id into one readable path segment', () => {
    expect(pathSafe('pod:recsys/github')).toBe('pod.recsys.github');
    expect(pathSafe('steering/jira')).toBe('steering.jira');
  });

  it('escapes dots, underscores and other characters so they cannot collide with the separators', () => {
    expect(pathSafe('a.b')).toBe('a_2eb');
    expect(pathSafe('a_b')).toBe('a_5fb');
    expect(pathSafe('a b/é')).toBe('a_20b._c3_a9');
  });

  test.prop([fc.string(), fc.string()])('never maps two different ids to the same segment', (a, b) => {
    fc.pre(a !== b);
    expect(pathSafe(a)).not.toBe(pathSafe(b));
  });

  test.prop([fc.string()])('never produces a slash, so an id stays one key segment', (id) => {
    expect(pathSafe(id)).not.toContain('/');
  });

  it('builds raw page keys with a zero-padded sequence so listings come back in collection order', () => {
    expect(rawPageKey('github', 'pod:recsys/github', 'run-7', 12)).toBe('raw/github/pod.recsys.github/run-7/000012.json.gz');
    const keys = [10, 2, 1].map((n) => rawPageKey('jira', 'pod:a/jira', 'r', n));
    expect([...keys].sort()).toEqual([1, 2, 10].map((n) => rawPageKey('jira', 'pod:a/jira', 'r', n)));
  });

  it('puts every raw page of a run under the run prefix', () => {
    expect(rawPageKey('mlflow', 'lab:genai/mlflow', 'r1', 0).startsWith(rawRunPrefix('mlflow', 'lab:genai/mlflow', 'r1'))).toBe(true);
  });

  it('rejects a negative or fractional raw page sequence', () => {
    expect(() => rawPageKey('github', 'pod:a/github', 'r', -1)).toThrow(RangeError);
    expect(() => rawPageKey('github', 'pod:a/github', 'r', 1.5)).toThrow(RangeError);
  });

  it('keeps normalised activities per binding: month partitions and their index under one prefix, beside the legacy single object', () => {
    expect(activitiesKey('pod:recsys/github')).toBe('normalised/pod.recsys.github/activities.jsonl.gz');
    expect(activitiesPrefix('pod:recsys/github')).toBe('normalised/pod.recsys.github/');
    expect(activitiesPartitionKey('pod:recsys/github', '2026-03')).toBe('normalised/pod.recsys.github/2026-03.jsonl.gz');
    expect(activitiesIndexKey('pod:recsys/github')).toBe('normalised/pod.recsys.github/index.json.gz');
    for (const key of [activitiesKey('b'), activitiesPartitionKey('b', '2026-03'), activitiesIndexKey('b')]) expect(key.startsWith(activitiesPrefix('b'))).toBe(true);
  });

  it('partitions by the UTC month of an activity time, whatever its offset, and keeps unparseable times apart', () => {
    expect(activityMonth('2026-03-31T23:59:59.999Z')).toBe('2026-03');
    expect(activityMonth('2026-04-01T00:00:00.000Z')).toBe('2026-04');
    expect(activityMonth('2026-04-01T01:30:00+02:00')).toBe('2026-03');
    expect(activityMonth('not a time')).toBe('undated');
    expect(activitiesPartitionKey('b', activityMonth('nope'))).toBe('normalised/b/undated.jsonl.gz');
    expect(() => activitiesPartitionKey('b', '2026-3')).toThrow(RangeError);
  });
});
