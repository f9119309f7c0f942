export { runMain, startMain, EXIT, type MainDefinition, type RunContext, type ProcessLike } from './run-main';
