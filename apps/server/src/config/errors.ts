/** A problem the operator must fix in an option, an environment variable or a file; the CLI exits with code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
