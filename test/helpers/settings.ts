// Defaults of Lumetry's settings, as the config loader knows them, for tests of files that must agree.
import { variables } from '../../src/config/variables.ts';

/** The default of setting `name`; a test fails at once if the setting has none. */
export function settingDefault(name: string): string {
  const value = (variables as Record<string, { default?: string }>)[name]?.default;
  if (value === undefined) throw new Error(`${name} has no default`);
  return value;
}

/** The port a Lumetry process listens on by default. */
export const defaultPort = (service: string) => Number(settingDefault(`LUMETRY_${service.replace('-', '_').toUpperCase()}_PORT`));
