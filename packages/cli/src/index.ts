export { runMain, EXIT, type MainDefinition, type RunContext, type ProcessLike } from './run-main';
export { startMain } from './main';
