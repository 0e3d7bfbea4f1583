// Compose's default file names, in its own lookup order (compose-spec/compose-go `cli/options.go`
// DefaultFileNames: compose.yaml, compose.yml, docker-compose.yml, docker-compose.yaml). The one
// list: the loader picks the first present, the port holder looks for one in a container's
// working dir, and the local commands find a deployment's file with it.

export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;
