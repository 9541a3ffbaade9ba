// `npm run token -- --role portal --region bz [--sub someone] [--expires 8h]`: prints a development
// token for the gateway, signed with AUTH_JWT_SECRET (or the development default).
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '../platform/auth.js';
import { ConfigError, loadConfig } from '../platform/config.js';
import { mintDevelopmentToken } from '../gateway/developmentToken.js';

const usage = `usage: npm run token -- --role <${ROLES.join('|')}> [--region <code>] [--sub <subject>] [--expires 8h]`;

try {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, region: { type: 'string' }, sub: { type: 'string' }, expires: { type: 'string' } },
  });
  const config = loadConfig();
  if (config.environment === 'production') throw new Error('Refusing to mint a development token with NODE_ENV=production.');
  const role = values.role as Role | undefined;
  if (!role || !(ROLES as readonly string[]).includes(role)) throw new Error(usage);
  const regions = Object.keys(config.regionDatabases);
  if (role === 'portal' && (!values.region || !regions.includes(values.region))) {
    throw new Error(`A portal token needs --region, one of ${regions.join(', ')}.`);
  }
  console.log(
    await mintDevelopmentToken(config.auth, {
      role,
      ...(role === 'portal' ? { region: values.region } : {}),
      ...(values.sub ? { subject: values.sub } : {}),
      ...(values.expires ? { expiresIn: values.expires } : {}),
    }),
  );
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exit(1);
}
