// Public surface of the compose loader.
export type { BuildSpec, ComposeProject, PortMapping, ServiceSpec, VolumeMount } from './model.js';
export { ComposeError, formatSource } from './errors.js';
export type { ComposeErrorInit, SourceRef } from './errors.js';
export { parseEnv, quoteEnvValue, setEnvValue } from './envfile.js';
export type { ParseEnvOptions } from './envfile.js';
export { formatPath, interpolate, interpolateTree } from './interpolate.js';
export type { InterpolateOptions, InterpolateTreeOptions, Lookup, YamlPath } from './interpolate.js';
export { splitShellWords } from './shellwords.js';
export { parsePort, parsePorts } from './ports.js';
export { isValidProjectName, normalizeProjectName, resolveProjectName } from './project-name.js';
export type { ProjectNameSources } from './project-name.js';
export { dependencyWaves, parseDependsOn, stopWaves, withDependencies } from './order.js';
export type { WaveOptions } from './order.js';
export type { Dependency, DependencyCondition, DependencyNode, ServiceLocator } from './order.js';
export { DEFAULT_COMPOSE_FILES, loadComposeProject, selectServices } from './load.js';
export type { LoadOptions, LoadResult } from './load.js';
