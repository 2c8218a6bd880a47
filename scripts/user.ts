/**
 * `npm run user -- COMMAND ...`: users of the API and the review page, from the server's shell (the
 * first admin has nobody to create it through the API). Acts as `cli:<os user>` in the audit trail.
 *
 *   create NAME --division CODE --role admin|staff|auditor [--confidential] [--display-name TEXT] [--password-stdin]
 *   list [--division CODE]
 *   disable NAME | enable NAME
 *   reset NAME [--password-stdin]
 *
 * A new or reset password is generated and printed once, unless --password-stdin reads it from the
 * standard input (for scripts). Exit codes: 0 done, 64 bad usage, 65 refused (e.g. name taken).
 */
import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { text } from 'node:stream/consumers';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AccessError, changeUser, createUser, listUsers, role, setPassword } from '../domain/access/index.ts';
import { divisionPrefix } from '../domain/registry/index.ts';
import { loadConfigOrExit } from '../platform/config.ts';
import { createDb } from '../platform/db/database.ts';

const USAGE = `usage: npm run user -- create NAME --division CODE --role admin|staff|auditor [--confidential] [--display-name TEXT] [--password-stdin]
       npm run user -- list [--division CODE]
       npm run user -- disable NAME | enable NAME | reset NAME [--password-stdin]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    division: { type: 'string' },
    role: { type: 'string' },
    confidential: { type: 'boolean', default: false },
    'display-name': { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  },
});
const fail = (code: number, message: string): never => {
  process.stderr.write(`user: ${message}\n`);
  process.exit(code);
};
const [command, name] = positionals;
const actor = `cli:${userInfo().username}`;

async function newPassword(): Promise<{ password: string; generated: boolean }> {
  if (values['password-stdin']) return { password: (await text(process.stdin)).replace(/\r?\n$/, ''), generated: false };
  return { password: randomBytes(15).toString('base64url'), generated: true };
}

const config = loadConfigOrExit();
const db = createDb({ url: config.databaseUrl, poolSize: 1 });
try {
  switch (command) {
    case 'create': {
      if (!name || !values.division || !values.role) fail(64, USAGE);
      const parsedRole = role.safeParse(values.role);
      if (!parsedRole.success) fail(64, `--role must be admin, staff or auditor, got "${values.role ?? ''}"`);
      const { password, generated } = await newPassword();
      const u = await createUser(
        db,
        {
          username: name ?? '',
          divisionCode: values.division ?? '',
          role: parsedRole.data ?? 'auditor',
          confidential: values.confidential,
          displayName: values['display-name'] ?? null,
          password,
        },
        actor,
      );
      process.stdout.write(
        `created ${u.username}: ${u.role} of ${u.divisionCode}${u.confidential ? ', cleared for confidential intakes' : ''}\n`,
      );
      if (generated) process.stdout.write(`password (shown once): ${password}\n`);
      break;
    }
    case 'list': {
      for (const u of await listUsers(db, values.division ? divisionPrefix(values.division) : '')) {
        process.stdout.write(
          `${u.username}\t${u.role}\t${u.divisionCode}${u.confidential ? '\tconfidential' : ''}${u.disabled ? '\tdisabled' : ''}\n`,
        );
      }
      break;
    }
    case 'disable':
    case 'enable': {
      if (!name) fail(64, USAGE);
      await changeUser(db, name ?? '', { disabled: command === 'disable' }, actor);
      process.stdout.write(`${name ?? ''} ${command}d${command === 'disable' ? '; its sessions ended' : ''}\n`);
      break;
    }
    case 'reset': {
      if (!name) fail(64, USAGE);
      const { password, generated } = await newPassword();
      await setPassword(db, name ?? '', password, actor);
      process.stdout.write(`${name ?? ''}: password reset; its sessions ended\n`);
      if (generated) process.stdout.write(`password (shown once): ${password}\n`);
      break;
    }
    default:
      fail(64, USAGE);
  }
} catch (err) {
  if (err instanceof AccessError) fail(65, err.message);
  if (err instanceof z.ZodError) fail(64, err.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '));
  throw err;
} finally {
  await db.destroy();
}
