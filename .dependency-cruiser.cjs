/**
 * The import rules of DESIGN.md, checked by `npm test` (npm run lint:deps). A broken rule fails
 * with its name. Type-only imports are allowed to cross the layers (they vanish at run time);
 * circles of values are not.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module imports (values) in a circle.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'kernels-know-no-ops',
      severity: 'error',
      comment: 'Kernels and backends never import ops or dispatch.',
      from: { path: '^src/(kernels|backends)/' },
      to: { path: '^src/(ops/|dispatch\\.ts)', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'backends-know-no-pool',
      severity: 'error',
      comment: 'Backends and kernels know nothing of the pool: dispatch drives it.',
      from: { path: '^src/(kernels|backends)/' },
      to: { path: '^src/pool/' },
    },
    {
      name: 'backends-never-import-each-other',
      severity: 'error',
      comment: 'A backend imports the shared kernels (src/kernels), never another backend.',
      from: { path: '^src/backends/([^/]+)/' },
      to: { path: '^src/backends/([^/]+)/', pathNot: '^src/backends/$1/' },
    },
    {
      name: 'core-knows-no-op-or-backend',
      severity: 'error',
      comment: 'The tensor core (tensor, creation, memory, dtype, shape, errors, plans, cost) imports no op, backend, pool or dispatch.',
      from: { path: '^src/(tensor|creation|dtype|shape|errors|plans|cost)\\.ts$|^src/memory/' },
      to: { path: '^src/(ops|backends|pool|kernels)/|^src/dispatch\\.ts$' },
    },
    {
      name: 'cs-composes-public-ops',
      severity: 'error',
      comment: 'Compressive sensing composes public ops: no dispatch, backend, kernel table or pool.',
      from: { path: '^src/cs/' },
      to: { path: '^src/(backends|pool)/|^src/dispatch\\.ts$' },
    },
    {
      name: 'cluster-composes-public-ops',
      severity: 'error',
      comment: 'The cluster composes the public API only.',
      from: { path: '^src/cluster/' },
      to: { path: '^src/(backends|pool|kernels|ops|cs)/|^src/dispatch\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
