// Resolved from this package, typescript-eslint (and the TypeScript it requires) is the copy nested in
// tools/eslint-typescript/node_modules: TypeScript 6.0, not the project's TypeScript 7. See README.md.
export { default } from 'typescript-eslint';
