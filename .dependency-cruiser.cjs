// The dependency direction from ../shared/STYLE.md §2, enforced in `npm test`: scoring, signals, rubric and the
// org model stay pure (no I/O), nothing imports "upwards", and the dashboard only takes types from the API.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'pure-core-no-io',
      comment: 'scoring, signals, rubric and org are pure: no storage, pipeline, collectors, AWS SDK, fs or network',
      severity: 'error',
      from: { path: '^shared/(scoring|signals|rubric|org)/', pathNot: '^shared/(rubric|org)/(load|write-[a-z-]+)\\.ts$' },
      to: {
        path: [
          '^shared/(storage|pipeline|api|cli|sandbox)/',
          '^shared/sources/[^/]+/(collect|client)\\.ts$',
          '^shared/sources/http/',
          '@aws-sdk',
          '^(node:)?(fs|fs/promises|http|https|net|child_process)$',
          'octokit',
          'hono',
        ],
      },
    },
    {
      name: 'normalise-is-pure',
      severity: 'error',
      from: { path: '^shared/sources/[^/]+/normalise\\.ts$' },
      to: { path: ['^shared/storage/', '^shared/sources/http/', '@aws-sdk', '^(node:)?(fs|http|https|net)$', 'octokit'] },
    },
    {
      name: 'no-upward-imports-into-entry-points',
      comment: 'cli, functions and api are entry points; nothing in the core imports them',
      severity: 'error',
      from: { path: '^shared/(org|signals|rubric|scoring|storage|sources|kernel)/' },
      to: { path: ['^shared/(cli|pipeline)/', '^functions/'] },
    },
    {
      name: 'storage-is-the-only-aws-sdk-user',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/(storage|pipeline)/' },
      to: { path: '@aws-sdk/client-(dynamodb|s3)|@aws-sdk/lib-dynamodb' },
    },
    {
      name: 'scoring-never-imports-sandbox',
      severity: 'error',
      from: { path: '^shared/(scoring|signals|rubric|sources|storage|pipeline|api)/' },
      to: { path: '^shared/sandbox/' },
    },
    {
      name: 'dashboard-types-only',
      comment: 'the dashboard is static files: it may import types from shared/api/contract.ts and nothing else of shared/',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^shared/', pathNot: '^shared/(api/contract|scoring/types|org/units)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'infra-imports-no-runtime-code',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^(shared|functions)/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
    exclude: { path: ['node_modules', 'cdk.out', 'dashboard/dist'] },
  },
};
