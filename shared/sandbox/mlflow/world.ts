import { RadarError } from '../../kernel/index.js';

// The MLflow sandbox's data in the tracking server's own JSON shapes (snake_case, ms timestamps, lists of
// {key, value} rather than maps), so the app serves them as they are and tests can edit them in place.

export interface KeyValue {
  key: string;
  value: string;
}

export interface MlflowExperiment {
  experiment_id: string;
  name: string;
  artifact_location: string;
  lifecycle_stage: 'active' | 'deleted';
  creation_time: number;
  last_update_time: number;
  tags: KeyValue[];
}

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface MlflowRun {
  info: {
    run_id: string;
    run_uuid: string;
    run_name: string;
    experiment_id: string;
    user_id: string;
    status: RunStatus;
    start_time: number;
    end_time?: number;
    artifact_uri: string;
    lifecycle_stage: 'active' | 'deleted';
  };
  data: {
    metrics: { key: string; value: number; timestamp: number; step: number }[];
    params: KeyValue[];
    tags: KeyValue[];
  };
  inputs: { dataset_inputs: unknown[] };
}

export interface MlflowRegisteredModel {
  name: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  description: string;
  tags: KeyValue[];
  aliases: { alias: string; version: string }[];
}

export type ModelStage = 'None' | 'Staging' | 'Production' | 'Archived';

export interface MlflowModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: ModelStage;
  description: string;
  source: string;
  run_id: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  tags: KeyValue[];
  run_link: string;
  aliases: string[];
}

/** A test or generator asked the MLflow world for something it does not hold. */
export class MlflowSandboxDataError extends RadarError {}

/** Input of `addRun`; omitted values get plain defaults. */
export interface NewRun {
  experimentId: string;
  startTime: Date;
  endTime?: Date | null;
  status?: RunStatus;
  userId?: string;
  runName?: string;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
}

/** The mutable MLflow data set one sandbox serves. */
export class MlflowWorld {
  readonly experiments: MlflowExperiment[] = [];
  readonly runs: MlflowRun[] = [];
  readonly models = new Map<string, MlflowRegisteredModel>();
  readonly versions: MlflowModelVersion[] = [];
  /** Every request with whether it carried valid credentials (tests assert on it). */
  readonly requestLog: { method: string; path: string; authorised: boolean }[] = [];
  /** Largest page the server returns whatever max_results asks (simulates a server that pages sooner). */
  pageCap = Number.POSITIVE_INFINITY;
  private runCounter = 0;

  /** Creates an experiment; ids are sequential strings like the OSS server's. */
  addExperiment(name: string, at: Date, owner?: string): MlflowExperiment {
    const existing = this.experiments.find((e) => e.name === name);
    if (existing) return existing;
    const id = String(this.experiments.length + 1);
    const e: MlflowExperiment = {
      experiment_id: id,
      name,
      // Workspace experiments live under their owner's folder, so the location names them (dbfs:/Users/<email>/…).
      artifact_location: owner === undefined ? `mlflow-artifacts:/${id}` : `dbfs:/Users/${owner}/experiments/${id}`,
      lifecycle_stage: 'active',
      creation_time: at.getTime(),
      last_update_time: at.getTime(),
      tags: [],
    };
    this.experiments.push(e);
    return e;
  }

  /** Logs a run; its id is a deterministic 32-hex string. */
  addRun(r: NewRun): MlflowRun {
    const exp = this.experiments.find((e) => e.experiment_id === r.experimentId);
    if (!exp) throw new MlflowSandboxDataError({ code: 'SANDBOX_NO_EXPERIMENT', reason: `no experiment ${r.experimentId} in the MLflow sandbox` });
    this.runCounter += 1;
    const runId = (exp.experiment_id.padStart(8, '0') + this.runCounter.toString(16).padStart(24, '0')).slice(0, 32);
    const start = r.startTime.getTime();
    const status = r.status ?? 'FINISHED';
    const end = r.endTime === undefined ? (status === 'RUNNING' || status === 'SCHEDULED' ? null : start + 600_000) : r.endTime?.getTime() ?? null;
    const userId = r.userId ?? 'pipeline-bot';
    const runName = r.runName ?? `run-${this.runCounter}`;
    const tags: KeyValue[] = [
      { key: 'mlflow.user', value: userId },
      { key: 'mlflow.runName', value: runName },
      ...Object.entries(r.tags ?? {}).map(([key, value]) => ({ key, value })),
    ];
    const run: MlflowRun = {
      info: {
        run_id: runId,
        run_uuid: runId,
        run_name: runName,
        experiment_id: exp.experiment_id,
        user_id: userId,
        status,
        start_time: start,
        ...(end === null ? {} : { end_time: end }),
        artifact_uri: `${exp.artifact_location}/${runId}/artifacts`,
        lifecycle_stage: 'active',
      },
      data: {
        metrics: Object.entries(r.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: end ?? start, step: 0 })),
        params: Object.entries(r.params ?? {}).map(([key, value]) => ({ key, value })),
        tags,
      },
      inputs: { dataset_inputs: [] },
    };
    this.runs.push(run);
    exp.last_update_time = Math.max(exp.last_update_time, start);
    return run;
  }

  /** Finishes or otherwise changes a run (status, end time, extra tags). */
  updateRun(runId: string, patch: { status?: RunStatus; endTime?: Date; tags?: Record<string, string> }): MlflowRun {
    const run = this.runs.find((r) => r.info.run_id === runId);
    if (!run) throw new MlflowSandboxDataError({ code: 'SANDBOX_NO_RUN', reason: `no run ${runId} in the MLflow sandbox` });
    if (patch.status) run.info.status = patch.status;
    if (patch.endTime) run.info.end_time = patch.endTime.getTime();
    for (const [key, value] of Object.entries(patch.tags ?? {})) {
      const t = run.data.tags.find((x) => x.key === key);
      if (t) t.value = value;
      else run.data.tags.push({ key, value });
    }
    return run;
  }

  /** Deletes a run for good (the OSS server's garbage collection). */
  deleteRun(runId: string): void {
    const i = this.runs.findIndex((r) => r.info.run_id === runId);
    if (i >= 0) this.runs.splice(i, 1);
  }

  /** Registers a model (idempotent by name). */
  addModel(name: string, at: Date, userId = 'pipeline-bot'): MlflowRegisteredModel {
    const existing = this.models.get(name);
    if (existing) return existing;
    const m: MlflowRegisteredModel = {
      name,
      creation_timestamp: at.getTime(),
      last_updated_timestamp: at.getTime(),
      user_id: userId,
      description: '',
      tags: [],
      aliases: [],
    };
    this.models.set(name, m);
    return m;
  }

  /** Registers a new version of a model, numbered after the last one. */
  addModelVersion(name: string, v: { runId: string; at: Date; userId?: string; tags?: Record<string, string>; stage?: ModelStage }): MlflowModelVersion {
    const model = this.models.get(name) ?? this.addModel(name, v.at);
    const n = this.versions.filter((x) => x.name === name).length + 1;
    const run = this.runs.find((r) => r.info.run_id === v.runId);
    const mv: MlflowModelVersion = {
      name,
      version: String(n),
      creation_timestamp: v.at.getTime(),
      last_updated_timestamp: v.at.getTime(),
      user_id: v.userId ?? 'pipeline-bot',
      current_stage: v.stage ?? 'None',
      description: '',
      source: run ? `${run.info.artifact_uri}/model` : `models:/${name}/${n}`,
      run_id: v.runId,
      status: 'READY',
      tags: Object.entries(v.tags ?? {}).map(([key, value]) => ({ key, value })),
      run_link: '',
      aliases: [],
    };
    this.versions.push(mv);
    model.last_updated_timestamp = Math.max(model.last_updated_timestamp, mv.creation_timestamp);
    return mv;
  }

  /** Points an alias at a version (moving it off any other version), as `set_registered_model_alias` does. */
  setAlias(name: string, alias: string, version: string, _at: Date): void {
    const model = this.models.get(name);
    if (!model) throw new MlflowSandboxDataError({ code: 'SANDBOX_NO_MODEL', reason: `no model ${name} in the MLflow sandbox` });
    model.aliases = model.aliases.filter((a) => a.alias !== alias);
    model.aliases.push({ alias, version });
    for (const mv of this.versions.filter((x) => x.name === name)) {
      mv.aliases = mv.aliases.filter((a) => a !== alias);
      if (mv.version === version) mv.aliases.push(alias);
    }
    // Setting an alias changes no timestamp (the SQL store's set_registered_model_alias writes only the alias
    // row): a version's last_updated_timestamp is no promotion time.
  }

  /**
   * Edits a version's description: the SQL store's update_model_version moves its last_updated_timestamp, as a rename
   * of the model does, so that timestamp is no promotion time (../shared/REALITY.md).
   */
  editDescription(name: string, version: string, description: string, at: Date): void {
    const mv = this.versions.find((x) => x.name === name && x.version === version);
    if (!mv) throw new MlflowSandboxDataError({ code: 'SANDBOX_NO_VERSION', reason: `no version ${name}/${version} in the MLflow sandbox` });
    mv.description = description;
    mv.last_updated_timestamp = Math.max(mv.last_updated_timestamp, at.getTime());
  }

  /** Moves a version to a stage (the pre-alias registry workflow). */
  setStage(name: string, version: string, stage: ModelStage, at: Date): void {
    const mv = this.versions.find((x) => x.name === name && x.version === version);
    if (!mv) throw new MlflowSandboxDataError({ code: 'SANDBOX_NO_VERSION', reason: `no version ${name}/${version} in the MLflow sandbox` });
    mv.current_stage = stage;
    mv.last_updated_timestamp = Math.max(mv.last_updated_timestamp, at.getTime());
  }
}
