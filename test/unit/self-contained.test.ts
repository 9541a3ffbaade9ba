/**
 * The repository stands on its own: nothing in it points at documents a user of it does not have
 * (the working notes beside the project, or the notice files by their file names). Notices are
 * cited by issuer, title, date and section; docs/eligibility.md lists them.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
// Built from parts so that this file does not match itself.
const OUTSIDE = new RegExp(['\\.\\./', 'shared', '|', 'seeds', '/', '|', '\\b(DESIGN|DOMAIN|PORTALS|STYLE)\\.md'].join(''));
// Applied migrations are checksummed where they ran (platform/database/migrate.ts): their text is
// left as it was, comments included, so that no deployed database refuses the next migration.
const APPLIED_MIGRATION = /^prisma\/[^/]+\/migrations\/2024|^prisma\/[^/]+\/migrations\/20261121/;

describe('the repository', () => {
  it('refers to no document outside it', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter((file) => !APPLIED_MIGRATION.test(file) && !/\.(png|jpg|ico|lock)$/.test(file));
    const offenders = files.filter((file) => OUTSIDE.test(readFileSync(new URL(file, root), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
