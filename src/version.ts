// The Lumetry version, from package.json, for `service.version` and heartbeats.
import packageJson from '../package.json' with { type: 'json' };

export const version: string = packageJson.version;
