// The demo credentials the sandboxes accept, keyed by the environment variable names demo-org.yaml refers to.
// They are demo values, printed by `radar sandbox`; tests use their own canary values to prove nothing leaks.
export const DEMO_CREDENTIALS: Readonly<Record<string, string>> = {
  RADAR_JIRA_EMAIL: 'radar-demo@acme.example',
  RADAR_JIRA_TOKEN: 'demo-jira-api-token',
  RADAR_GITHUB_TOKEN: 'ghp_demoRadarSandboxToken000000000000',
  RADAR_MLFLOW_USERNAME: 'admin',
  RADAR_MLFLOW_PASSWORD: 'password1234',
  RADAR_ACTOR_HASH_KEY: 'demo-actor-hash-key',
};
